/**
 * Banks by their NAPAS BIN (the six digits a VietQR code carries): a citizen typing the transfer by hand picks
 * the bank by name in their app, never by BIN. The common banks only; an unknown BIN is shown as it is.
 */
const BANKS: Record<string, string> = {
  '970436': 'Vietcombank (Ngân hàng TMCP Ngoại thương Việt Nam)',
  '970415': 'VietinBank (Ngân hàng TMCP Công thương Việt Nam)',
  '970418': 'BIDV (Ngân hàng TMCP Đầu tư và Phát triển Việt Nam)',
  '970405': 'Agribank (Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam)',
  '970422': 'MB (Ngân hàng TMCP Quân đội)',
  '970407': 'Techcombank (Ngân hàng TMCP Kỹ thương Việt Nam)',
  '970416': 'ACB (Ngân hàng TMCP Á Châu)',
  '970432': 'VPBank (Ngân hàng TMCP Việt Nam Thịnh Vượng)',
  '970423': 'TPBank (Ngân hàng TMCP Tiên Phong)',
  '970403': 'Sacombank (Ngân hàng TMCP Sài Gòn Thương Tín)',
  '970441': 'VIB (Ngân hàng TMCP Quốc tế Việt Nam)',
  '970443': 'SHB (Ngân hàng TMCP Sài Gòn – Hà Nội)',
};

/** The bank's name for a BIN, or undefined when this table does not know it. */
export function bankName(bin: string): string | undefined {
  return BANKS[bin];
}
