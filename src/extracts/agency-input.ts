import { parseCitizenId } from '../identity/parse/citizen-id.ts';
import type { ExtractContent } from '../ports/agency/types.ts';
import { printedAuthority, printedPlace, signerTitle } from './authority.ts';
import { ExtractError } from './errors.ts';
import { selectHealthContent } from './health-scope.ts';
import { type ExtractInputData, HealthChoiceSchema, HealthRecordSchema, type Subject } from './schema.ts';

/**
 * What the renderer prints for an agency's result: the result itself, with what Hoso adds (document id,
 * request code, the printed authority) and what the renderer requires but an agency may leave out.
 */

/** Printed where the agency gave no value: the form has the line, the record had nothing for it. */
export const NOT_RECORDED = 'Chưa có thông tin';
const NATIONALITY_NAMES: Record<string, string> = { VN: 'Việt Nam' };

export interface IssueIds {
  documentId: string;
  requestCode: string;
}

export function extractInputFromAgency(content: ExtractContent, ids: IssueIds): ExtractInputData {
  const authority = printedAuthority(content);
  const common = {
    documentId: ids.documentId,
    requestCode: ids.requestCode,
    issueDate: content.issueDate,
    issuePlace: printedPlace(authority, content.issueDate, content.issuePlace),
    authority,
    subject: printedSubject(content.subject),
  };
  if (content.kind === 'lltp') {
    return {
      kind: 'lltp',
      form: content.form,
      ...common,
      ...(content.documentNumber ? { documentNumber: content.documentNumber } : {}),
      ...(content.signer
        ? { signer: { name: content.signer.name, title: signerTitle(authority, content.signer.title) } }
        : {}),
      content: content.content,
    };
  }
  return {
    kind: 'health_record',
    ...common,
    content: selectHealthContent(
      HealthRecordSchema.parse(content.record),
      HealthChoiceSchema.parse(content.choice),
    ),
  };
}

type AgencySubject = ExtractContent['subject'];

function printedSubject(s: AgencySubject): Subject {
  const nationality = s.nationality?.trim();
  return {
    fullName: s.fullName,
    gender: s.gender ?? genderFromIdNumber(s.idDocument),
    dateOfBirth: s.dateOfBirth,
    placeOfBirth: s.placeOfBirth?.trim() || NOT_RECORDED,
    nationality: nationality ? (NATIONALITY_NAMES[nationality] ?? nationality) : 'Việt Nam',
    residence: s.residence?.trim() || NOT_RECORDED,
    idDocument: s.idDocument,
  };
}

/** The personal ID number encodes the gender (its fourth digit: even male, odd female; Circular 59/2021). */
function genderFromIdNumber(id: AgencySubject['idDocument']): Subject['gender'] {
  const parsed = id.kind === 'cccd' ? parseCitizenId(id.number) : undefined;
  if (parsed?.ok) return parsed.value.gender;
  throw new ExtractError(
    'HOSO_ERR_EXTRACT_INVALID_INPUT',
    "the agency's result gives no gender and the ID document does not encode one",
  );
}
