import type { ExtractContent } from '../ports/agency/types.ts';
import type { RequestRecord } from './schema.ts';

export type SubjectField = 'idNumber' | 'fullName' | 'dateOfBirth';

const sameName = (a: string, b: string) => {
  const norm = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');
  return norm(a) === norm(b);
};

/** An ID number as printed may be partly masked (`001******345`): the digits shown must match. */
const sameIdNumber = (printed: string, expected: string) =>
  printed.length === expected.length && [...printed].every((c, i) => c === '*' || c === expected[i]);

/**
 * Which parts of who a result is about differ from who the request was for: the ID number, the name, the
 * date of birth (a result may give only the year, or year and month). Empty when the result is the
 * requester's. A result for anyone else is never delivered: it would hand one citizen another's record.
 */
export function subjectMismatches(record: RequestRecord, result: ExtractContent): SubjectField[] {
  const wanted = record.subject;
  const got = result.subject;
  const out: SubjectField[] = [];
  if (got.idDocument.kind !== 'passport' && !sameIdNumber(got.idDocument.number, wanted.citizenId)) {
    out.push('idNumber');
  }
  if (!sameName(got.fullName, wanted.fullName)) out.push('fullName');
  if (!wanted.dateOfBirth.startsWith(got.dateOfBirth)) out.push('dateOfBirth');
  return out;
}
