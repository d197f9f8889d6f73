/**
 * The data-quality rules applied to one record, for write paths (content editor, moderation): the same
 * registry rules `checkCollection` counts across a collection (server/quality/service.ts) — required fields
 * present, enum values canonical — plus type checks for the registry's field types. A write that would
 * create a record the data-quality page reports is refused with the field named.
 */
import { REGISTRY, type CollectionKey } from '../registry';

export interface RuleViolation {
  field: string;
  rule: 'missing_required' | 'unknown_enum' | 'wrong_type';
  message: string;
}

export function validateRecord(collection: CollectionKey, doc: Record<string, unknown>): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const [field, f] of Object.entries(REGISTRY[collection].fields)) {
    const v = doc[field];
    const missing = v === undefined || v === null || (typeof v === 'string' && f.required && v.trim() === '');
    if (missing) {
      if (f.required) out.push({ field, rule: 'missing_required', message: `"${f.label}" is required` });
      continue;
    }
    if (f.type === 'enum' && f.values?.length && !f.values.includes(v as string)) {
      out.push({ field, rule: 'unknown_enum', message: `"${f.label}" must be one of ${f.values.join(', ')}` });
    } else if (f.type === 'date' && !(v instanceof Date && !Number.isNaN(v.getTime()))) {
      out.push({ field, rule: 'wrong_type', message: `"${f.label}" must be a date` });
    } else if (f.type === 'number' && !(typeof v === 'number' && Number.isFinite(v))) {
      out.push({ field, rule: 'wrong_type', message: `"${f.label}" must be a number` });
    } else if (f.type === 'string' && typeof v !== 'string') {
      out.push({ field, rule: 'wrong_type', message: `"${f.label}" must be text` });
    } else if (f.type === 'boolean' && typeof v !== 'boolean') {
      out.push({ field, rule: 'wrong_type', message: `"${f.label}" must be yes or no` });
    } else if (f.type === 'tags' && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
      out.push({ field, rule: 'wrong_type', message: `"${f.label}" must be a list of words` });
    }
  }
  return out;
}
