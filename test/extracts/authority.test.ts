import { describe, expect, it } from 'vitest';
import { printedAuthority } from '../../src/extracts/authority.ts';
import type { ExtractContent, LltpResult } from '../../src/ports/agency/types.ts';

/** The rules' decision.authority for the police rule (E7-authority-police), as the simulated agency passes it on. */
const POLICE_RULE =
  'Công an tỉnh, thành phố nơi người được cấp phiếu thường trú (nếu không có thì nơi tạm trú; người đang ở nước ngoài: nơi cư trú trước khi xuất cảnh)';
const DOJ_RULE =
  'Sở Tư pháp tỉnh, thành phố nơi người được cấp phiếu thường trú (nếu không có thì nơi tạm trú; người đang ở nước ngoài: nơi cư trú trước khi xuất cảnh)';

function lltp(issueDate: string, authority: LltpResult['authority'], residence?: string): ExtractContent {
  return {
    kind: 'lltp',
    form: 1,
    issueDate,
    issuePlace: 'Nơi khác',
    authority,
    subject: {
      fullName: 'Trần Thị Hoà',
      dateOfBirth: '1990-05-14',
      ...(residence ? { residence } : {}),
      idDocument: { kind: 'cccd', number: '001190012345' },
    },
    content: { convictions: [], managementBan: { requested: false, bans: [] } },
  };
}

describe('the authority printed on an extract', () => {
  it('replaces the rule description with the provincial police of the residence from 1 March 2025', () => {
    expect(POLICE_RULE.length).toBeGreaterThan(120);
    expect(
      printedAuthority(lltp('2026-11-25', { name: POLICE_RULE }, 'Phường Cầu Giấy, thành phố Hà Nội')),
    ).toEqual({ parent: 'BỘ CÔNG AN', name: 'CÔNG AN THÀNH PHỐ HÀ NỘI' });
    expect(
      printedAuthority(lltp('2025-03-01', { name: POLICE_RULE }, 'Xã Đông Sơn, tỉnh Thanh Hóa')),
    ).toEqual({
      parent: 'BỘ CÔNG AN',
      name: 'CÔNG AN TỈNH THANH HÓA',
    });
  });

  it('prints the provincial Department of Justice under the People’s Committee before 1 March 2025', () => {
    expect(
      printedAuthority(lltp('2025-02-28', { name: DOJ_RULE }, 'Phường 1, Quận 3, TP Hồ Chí Minh')),
    ).toEqual({ parent: 'UBND THÀNH PHỐ HỒ CHÍ MINH', name: 'SỞ TƯ PHÁP' });
  });

  it('names the unit that covers a merged province from 1 July 2025', () => {
    expect(printedAuthority(lltp('2026-01-10', { name: POLICE_RULE }, 'Phường Hà Cầu, tỉnh Hà Nam'))).toEqual(
      {
        parent: 'BỘ CÔNG AN',
        name: 'CÔNG AN TỈNH NINH BÌNH',
      },
    );
    expect(printedAuthority(lltp('2025-05-10', { name: POLICE_RULE }, 'Phường Hà Cầu, tỉnh Hà Nam'))).toEqual(
      {
        parent: 'BỘ CÔNG AN',
        name: 'CÔNG AN TỈNH HÀ NAM',
      },
    );
  });

  it('falls back to the national bodies when no province can be read', () => {
    expect(printedAuthority(lltp('2026-11-25', { name: POLICE_RULE }))).toEqual({
      parent: 'BỘ CÔNG AN',
      name: 'CỤC HỒ SƠ NGHIỆP VỤ',
    });
    expect(printedAuthority(lltp('2024-06-01', { name: DOJ_RULE }))).toEqual({
      parent: 'BỘ TƯ PHÁP',
      name: 'TRUNG TÂM LÝ LỊCH TƯ PHÁP QUỐC GIA',
    });
  });

  it('prints a name the agency gave as it is, in capitals, with the ministry above a police unit', () => {
    expect(printedAuthority(lltp('2026-11-25', { name: 'Công an thành phố Hà Nội' }))).toEqual({
      parent: 'BỘ CÔNG AN',
      name: 'CÔNG AN THÀNH PHỐ HÀ NỘI',
    });
    expect(
      printedAuthority(lltp('2026-11-25', { name: 'Cục Hồ sơ nghiệp vụ', parent: 'Bộ Công an' })),
    ).toEqual({ parent: 'BỘ CÔNG AN', name: 'CỤC HỒ SƠ NGHIỆP VỤ' });
  });
});
