import { describe, expect, it } from 'vitest';
import { maskCitizenId, maskName, maskPhone, scrubPersonalData } from '../../src/privacy/mask.ts';

describe('masking', () => {
  it('masks an ID number, keeping the birth-registration code and the last two digits', () => {
    expect(maskCitizenId('001099012345')).toBe('001*******45');
    expect(maskCitizenId('001 099 012 345')).toBe('001*******45');
  });

  it('masks a phone number in any form to the same shape', () => {
    expect(maskPhone('0912345678')).toBe('091*****78');
    expect(maskPhone('+84 912 345 678')).toBe('091*****78');
  });

  it('never reveals more than half of a short value', () => {
    const masked = maskCitizenId('12345');
    expect(masked.replace(/\*/g, '').length).toBeLessThanOrEqual(2);
  });

  it('reduces a name to initials and the given name', () => {
    expect(maskName('Nguyễn Thị Minh Thư')).toBe('N. T. M. Thư');
    expect(maskName('  Đỗ   Quốc Hùng ')).toBe('Đ. Q. Hùng');
    expect(maskName('Kim Ji-woo')).toBe('K. Ji-woo');
    expect(maskName('Thư')).toBe('Thư');
  });
});

describe('scrubPersonalData', () => {
  it('masks ID numbers and phones in a sentence and leaves the rest alone', () => {
    const text =
      'Công dân 001099012345 (SĐT 0912 345 678) nộp hồ sơ ngày 02/10/2024, phí 200.000 ₫, mã 123456.';
    expect(scrubPersonalData(text)).toBe(
      'Công dân 001*******45 (SĐT 091*****78) nộp hồ sơ ngày 02/10/2024, phí 200.000 ₫, mã 123456.',
    );
  });

  it('masks grouped ID numbers and international phone forms', () => {
    expect(scrubPersonalData('id=001.099.012.345')).toBe('id=001*******45');
    expect(scrubPersonalData('to +84912345678, alt 84 912 345 678')).toBe('to 091*****78, alt 091*****78');
    expect(scrubPersonalData('GET /citizens/048188006789/children')).toBe(
      'GET /citizens/048*******89/children',
    );
  });

  it('masks an ID number written with hyphens or spaces, as a citizen may type it', () => {
    expect(scrubPersonalData('số của tôi là 001-190-012-345 nhé')).toBe('số của tôi là 001*******45 nhé');
    expect(scrubPersonalData('CCCD 001 190 012 345')).toBe('CCCD 001*******45');
    expect(scrubPersonalData('gọi 091-234-5678')).toBe('gọi 091*****78');
  });

  it('masks every way a citizen may write the ID number and the phone of the probe', () => {
    for (const id of [
      '001-190-012-345',
      '001 190 012 345',
      '001.190.012.345',
      '001190012345',
      '001 - 190 - 012 - 345',
      '001_190_012_345',
    ]) {
      expect(scrubPersonalData(`số của tôi là ${id} nhé`), id).toBe('số của tôi là 001*******45 nhé');
    }
    for (const phone of [
      '0901000001',
      '+84 901 000 001',
      '0901.000.001',
      '84901000001',
      '0901 - 000 - 001',
      '(+84) 901 000 001',
      '+84 (0) 901 000 001',
      '0084901000001',
    ]) {
      expect(scrubPersonalData(`gọi ${phone} giúp tôi`), phone).toBe('gọi 090*****01 giúp tôi');
    }
  });

  it('masks an ID number, a phone and a date of birth typed in full-width or styled digits', () => {
    expect(scrubPersonalData('CCCD ００１１９００１２３４５ nhé')).toBe('CCCD 001*******45 nhé');
    expect(scrubPersonalData('sdt ０９０１－０００－００１')).toBe('sdt 090*****01');
    expect(scrubPersonalData('số 𝟎𝟎𝟏𝟏𝟗𝟎𝟎𝟏𝟐𝟑𝟒𝟓')).toBe('số 001*******45');
    expect(scrubPersonalData('ngày sinh １５／０３／１９９０')).toBe('ngày sinh **/**/1990');
    // Vietnamese letters are left as they were typed.
    expect(scrubPersonalData('Nguyễn Thị Thư, sdt ０９０１０００００１')).toBe(
      'Nguyễn Thị Thư, sdt 090*****01',
    );
  });

  it('masks a date after a birth word even with spaces, words, a short year or no year', () => {
    expect(scrubPersonalData('tôi sinh 15 03 1990')).toBe('tôi sinh **/**/1990');
    expect(scrubPersonalData('ngày sinh: 15/03/90')).toBe('ngày sinh: **/**/**');
    expect(scrubPersonalData('sinh ngày 15 tháng 03, 1990')).toBe('sinh ngày **/**/1990');
    expect(scrubPersonalData('ngày sinh 15/3 ạ')).toBe('ngày sinh **/** ạ');
    expect(scrubPersonalData('DOB: 03/15/1990')).toBe('DOB: **/**/1990');
    // Without a birth word, a recent date stays: it is an appointment or a filing date.
    expect(scrubPersonalData('hẹn ngày 15/03 lúc 9 giờ')).toBe('hẹn ngày 15/03 lúc 9 giờ');
  });

  it('keeps only the year of a date of birth, however it is written', () => {
    expect(scrubPersonalData('tôi sinh ngày 15/03/1990')).toBe('tôi sinh ngày **/**/1990');
    expect(scrubPersonalData('ngày sinh: 5-3-2020')).toBe('ngày sinh: **/**/2020');
    expect(scrubPersonalData('DOB 1990-03-15')).toBe('DOB **/**/1990');
    expect(scrubPersonalData('con tôi ngày 15 tháng 3 năm 2001 ạ')).toBe('con tôi **/**/2001 ạ');
    expect(scrubPersonalData('An, 15.03.1990')).toBe('An, **/**/1990');
    // A timestamp in a log line is not a birth date.
    expect(scrubPersonalData('at 2019-03-15T10:00:00Z')).toBe('at 2019-03-15T10:00:00Z');
  });

  it('masks a 9-digit CMND only next to a word naming an identity card', () => {
    expect(scrubPersonalData('Số CMND: 012345678')).toBe('Số CMND: *******78');
    expect(scrubPersonalData('so chung minh nhan dan la 012345678')).toBe(
      'so chung minh nhan dan la *******78',
    );
    expect(scrubPersonalData('order 012345678 shipped')).toBe('order 012345678 shipped');
  });

  it('leaves a turn id alone even when its hex groups hold twelve digits between hyphens', () => {
    const turn = '45b8bfe8-0d76-4955-8538-00c08919be09';
    expect(scrubPersonalData(`turn ${turn} failed`)).toBe(`turn ${turn} failed`);
    expect(scrubPersonalData(`turn ${turn}: CCCD 001-190-012-345`)).toBe(`turn ${turn}: CCCD 001*******45`);
  });

  it('leaves longer digit runs such as timestamps untouched', () => {
    expect(scrubPersonalData('at 1730000000000')).toBe('at 1730000000000');
  });

  it('masks two numbers written side by side separately', () => {
    expect(scrubPersonalData('001099012345 0912345678')).toBe('001*******45 091*****78');
  });

  it('leaves no ID or phone digits in clear whatever the surrounding punctuation', () => {
    const id = '079085004321';
    const phone = '0901000002';
    for (const wrap of ['"%s"', '(%s)', '[%s]', 'x:%s;', '%s.', '\n%s\n']) {
      const scrubbed = scrubPersonalData(`${wrap.replace('%s', id)} ${wrap.replace('%s', phone)}`);
      expect(scrubbed).not.toContain(id);
      expect(scrubbed).not.toContain(phone);
    }
  });
});
