/**
 * Chat abbreviations, domain acronyms and Telex residue, as data (shared/domain/vietnam.md §6).
 * Keys and values may be written with or without diacritics: they are folded when the matcher is built.
 */

/** One word → its expansion. */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  // chat words
  ko: 'không',
  k: 'không',
  kh: 'không',
  hok: 'không',
  kg: 'không',
  khg: 'không',
  khum: 'không',
  dc: 'được',
  đc: 'được',
  dk: 'đăng ký',
  đk: 'đăng ký',
  dky: 'đăng ký',
  bn: 'bao nhiêu',
  bnh: 'bao nhiêu',
  ntn: 'như thế nào',
  j: 'gì',
  mk: 'mình',
  mik: 'mình',
  mh: 'mình',
  z: 'vậy',
  v: 'vậy',
  vs: 'với',
  r: 'rồi',
  cx: 'cũng',
  ms: 'mới',
  bik: 'biết',
  bit: 'biết',
  lm: 'làm',
  vc: 'việc',
  ng: 'người',
  nv: 'nhân viên',
  bh: 'bao giờ',
  bjo: 'bao giờ',
  bgio: 'bao giờ',
  tg: 'thời gian',
  trc: 'trước',
  hnay: 'hôm nay',
  gium: 'giúp',
  dum: 'giúp',
  tks: 'cảm ơn',
  thks: 'cảm ơn',
  thx: 'cảm ơn',
  thanks: 'cảm ơn',
  thank: 'cảm ơn',
  camon: 'cảm ơn',
  pls: 'please',
  plz: 'please',
  okie: 'ok',
  oke: 'ok',
  okay: 'ok',
  hs: 'hồ sơ',
  ttin: 'thông tin',
  dlieu: 'dữ liệu',
  // domain acronyms
  lltp: 'lý lịch tư pháp',
  cccd: 'căn cước công dân',
  cmnd: 'chứng minh nhân dân',
  cmt: 'chứng minh thư',
  ddcn: 'định danh cá nhân',
  sdt: 'số điện thoại',
  đt: 'điện thoại',
  dt: 'điện thoại',
  sskdt: 'sổ sức khỏe điện tử',
  skdt: 'sổ sức khỏe điện tử',
  bhyt: 'bảo hiểm y tế',
  bhxh: 'bảo hiểm xã hội',
  dd2: 'định danh mức 2',
  stp: 'sở tư pháp',
  ubnd: 'ủy ban nhân dân',
  dvc: 'dịch vụ công',
  tthc: 'thủ tục hành chính',
  p1: 'phiếu số 1',
  p2: 'phiếu số 2',
};

/** Several words → their canonical form, applied after the one-word expansions. */
export const PHRASE_REWRITES: readonly (readonly [string, string])[] = [
  ['vn eid', 'vneid'],
  ['vn id', 'vneid'],
  ['v neid', 'vneid'],
  ['chào bao nhiêu', 'chào bạn'], // "chào bn": here bn is "bạn"
  ['bao nhiêu ơi', 'bạn ơi'],
  ['cảm ơn you', 'cảm ơn'], // "thank you", after "thank" was expanded
  ['phiếu 1', 'phiếu số 1'],
  ['phiếu 2', 'phiếu số 2'],
  ['phiếu số một', 'phiếu số 1'],
  ['phiếu số hai', 'phiếu số 2'],
  ['phiếu một', 'phiếu số 1'],
  ['phiếu hai', 'phiếu số 2'],
  ['mẫu số 1', 'phiếu số 1'],
  ['mẫu số 2', 'phiếu số 2'],
  ['mẫu 1', 'phiếu số 1'],
  ['mẫu 2', 'phiếu số 2'],
  ['form 1', 'phiếu số 1'],
  ['form 2', 'phiếu số 2'],
  ['loại 1', 'phiếu số 1'],
  ['loại 2', 'phiếu số 2'],
  ['lý lịch tư pháp 1', 'lý lịch tư pháp số 1'],
  ['lý lịch tư pháp 2', 'lý lịch tư pháp số 2'],
  ['sổ sức khoẻ', 'sổ sức khỏe'],
  ['a lô', 'alo'],
  ['hế lô', 'hello'],
  ['he lo', 'hello'],
];

/**
 * Frequent words that are never "corrected" towards the intent vocabulary, although they lie one edit away
 * from it ("phải" must not become "phí", "nhanh" not "nhân"). Folded, space-separated.
 */
export const COMMON_WORDS = `
toi minh ban anh chi em ong ba co chu bac con chau ho no nguoi ai gi nao dau sao may khi luc gio ngay thang nam
tuan sang chieu dem nay kia do day vay the nhu la va voi cua cho de ma thi nhung neu vi nen tuy hay hoac cung deu
da dang se vua moi chua roi xong duoc bi phai muon thich biet hieu nghi thay nghe hoi tra loi lam di den ve tai tu
len xuong ra vao qua lai lay dua gui nhan mua ban an uong ngu choi hoc viec nha truong lop cong tien vang xe dien
may tinh mang nuoc troi dep xau tot lon nho nhieu it het moi tat rat hon nhat khong chang dung sai vui buon met
yeu ghet nhanh cham luon trong ngoai truoc sau tren duoi giua trua toi khuya som muon nhau rieng chung chinh trai
phai thanh tinh huyen quan phuong nuoc dinh chong vo ong cha me bo anh chi minh chung chuyen thong tin nhe nha nhi
a oi u uh um ukm vang da hihi haha hehe kaka keke cuoi khoc troi oi tham may mot hai bon nam sau bay tam chin muoi
tram nghin ngan trieu ty dong xin vui long lan nua thoi xem tim kiem nhap ghi dien viet doc nhin thay bao lau tuoi
nhanh chong luon ngay hien tai ngay mai hom qua nay mai tuan sau thang sau cung duoc khong the nao nhu the
phong ban so nganh cuc vien benh hoc sinh vien giao thong pho phuong xa tinh trung tam khu vuc dia chi
mat troi trang sao gio mua nang lanh nong am mat dep xinh cute thuong nho yeu thich ghe buon ngu doi khat an com
pho bun banh mi che tra ca phe sua bia ruou thit ca ga heo bo rau qua trai cay cam chuoi tao xoai
meo cho chim ca bong da the thao phim nhac hat game dien anh truyen sach bao dien thoai laptop
what this that with have from your would like want need know when where there they them will just about
some time good very much more make does could should into been were which their other than then also only
nice okay sure yes yeah yep nope maybe today tomorrow yesterday weather food movie music game play
`;

/** Telex tone keys left at the end of a word when the input method is off ("lys lichj" = "lý lịch"). */
export const TELEX_TONE_KEYS = 'sfrxj';

/** Telex vowel and "đ" keys ("tuw" = "tư", "ddoongf" = "đồng"). */
export const TELEX_DIGRAPHS: readonly (readonly [string, string])[] = [
  ['dd', 'd'],
  ['aa', 'a'],
  ['aw', 'a'],
  ['ee', 'e'],
  ['oo', 'o'],
  ['ow', 'o'],
  ['uw', 'u'],
];
