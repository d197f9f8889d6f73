'use client';
import type { ContentType } from '@/server/content/schema';
import { FIELD_LABEL } from './labels';

export type Fields = Record<string, unknown>;

/** A Date as the value of an <input type="datetime-local">, in UTC. */
export const toLocalInput = (d: unknown) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString().slice(0, 16) : '');
export const fromLocalInput = (s: string) => (s ? new Date(`${s}:00.000Z`) : null);

export function defaultFields(type: ContentType): Fields {
  const common = { title: '', slug: '', excerpt: '', body: '', tags: [] as string[], coverImageUrl: '' };
  if (type === 'blogs') return { ...common, author: '' };
  if (type === 'events') {
    const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 7 * 86_400_000);
    return {
      ...common,
      category: 'workshop',
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * 3_600_000),
      location: '',
      online: false,
      onlineUrl: '',
      capacity: 20,
      price: 0,
    };
  }
  return { ...common, department: '', location: '', employmentType: 'full_time', closesAt: null };
}

const CATEGORIES = ['workshop', 'webinar', 'support_group', 'retreat', 'talk'];
const EMPLOYMENT = ['full_time', 'part_time', 'contract', 'internship'];

/** The type-specific fields (everything except title, slug, body, which the editor lays out itself). */
export function TypeFields({
  type,
  value,
  onChange,
  errors,
}: {
  type: ContentType;
  value: Fields;
  onChange: (k: string, v: unknown) => void;
  errors: Record<string, string>;
}) {
  const text = (k: string, props: { placeholder?: string; type?: string } = {}) => (
    <label key={k}>
      {FIELD_LABEL[k]}
      <input
        name={k}
        type={props.type ?? 'text'}
        placeholder={props.placeholder}
        value={String(value[k] ?? '')}
        onChange={(e) => onChange(k, e.target.value)}
        aria-invalid={!!errors[k]}
      />
      {errors[k] ? <span className="form-error">{errors[k]}</span> : null}
    </label>
  );
  const num = (k: string) => (
    <label key={k}>
      {FIELD_LABEL[k]}
      <input name={k} type="number" min={0} value={String(value[k] ?? 0)} onChange={(e) => onChange(k, e.target.value === '' ? 0 : Number(e.target.value))} />
      {errors[k] ? <span className="form-error">{errors[k]}</span> : null}
    </label>
  );
  const date = (k: string) => (
    <label key={k}>
      {FIELD_LABEL[k]}
      <input name={k} type="datetime-local" value={toLocalInput(value[k])} onChange={(e) => onChange(k, fromLocalInput(e.target.value))} />
      {errors[k] ? <span className="form-error">{errors[k]}</span> : null}
    </label>
  );
  const select = (k: string, options: string[]) => (
    <label key={k}>
      {FIELD_LABEL[k]}
      <select name={k} value={String(value[k] ?? '')} onChange={(e) => onChange(k, e.target.value)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
    </label>
  );
  const tags = (
    <label key="tags">
      {FIELD_LABEL.tags}
      <input
        name="tags"
        placeholder="comma, separated"
        value={Array.isArray(value.tags) ? (value.tags as string[]).join(', ') : ''}
        onChange={(e) =>
          onChange(
            'tags',
            e.target.value
              .split(',')
              .map((s) => s.trim().toLowerCase())
              .filter(Boolean),
          )
        }
      />
      {errors.tags ? <span className="form-error">{errors.tags}</span> : null}
    </label>
  );
  const common = [text('excerpt'), tags, text('coverImageUrl', { placeholder: 'https://…' })];
  if (type === 'blogs') return <div className="form inline-form">{[text('author'), ...common]}</div>;
  if (type === 'events')
    return (
      <div className="form inline-form">
        {select('category', CATEGORIES)}
        {date('startsAt')}
        {date('endsAt')}
        {text('location')}
        <label key="online" className="inline-label">
          <input type="checkbox" name="online" checked={value.online === true} onChange={(e) => onChange('online', e.target.checked)} /> {FIELD_LABEL.online}
        </label>
        {text('onlineUrl', { placeholder: 'https://…' })}
        {num('capacity')}
        {num('price')}
        {common}
      </div>
    );
  return (
    <div className="form inline-form">
      {text('department')}
      {text('location')}
      {select('employmentType', EMPLOYMENT)}
      {date('closesAt')}
      {common}
    </div>
  );
}
