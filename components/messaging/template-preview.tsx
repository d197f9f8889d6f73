'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Tabs } from '@/components/ui/tabs';
import { ErrorBox } from '@/components/ui/states';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';

/** Renders the draft with sample data or a chosen member's (masked as the viewer's role requires); sends a test to oneself. */
export function TemplatePreview({ templateKey, draft }: { templateKey: string; draft: { subject: string; body: string } }) {
  const trpc = useTRPC();
  const { toast } = useToast();
  const [memberInput, setMemberInput] = useState('');
  const [memberId, setMemberId] = useState<string | undefined>();
  const [tab, setTab] = useState('html');
  const p = useQuery(trpc.messaging.templates.preview.queryOptions({ key: templateKey, ...draft, memberId }));
  const send = useMutation(
    trpc.messaging.templates.sendTest.mutationOptions({
      onSuccess: (r) => toast({ message: `Test queued to ${r.to}.`, tone: 'ok' }),
      onError: (e) => toast({ message: e.message, tone: 'bad' }),
    }),
  );
  return (
    <div data-testid="template-preview">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setMemberId(/^[0-9a-f]{24}$/i.test(memberInput) ? memberInput : undefined);
        }}
      >
        <input
          aria-label="Member id for the preview"
          placeholder="Member id (optional)"
          value={memberInput}
          onChange={(e) => setMemberInput(e.target.value.trim())}
        />
        <button className="btn secondary small" type="submit">
          Preview as member
        </button>
        <button className="btn secondary small" type="button" disabled={send.isPending} onClick={() => send.mutate({ key: templateKey, memberId })}>
          Send a test to me
        </button>
      </form>
      {p.isPending && <Skeleton lines={8} />}
      <ErrorBox error={p.error} />
      {p.data && (
        <>
          <p>
            <span className="muted small">To</span> {p.data.to} · <span className="muted small">Subject</span>{' '}
            <b data-testid="preview-subject">{p.data.subject}</b>
          </p>
          <Tabs
            label="Preview part"
            tabs={[
              { key: 'html', label: 'HTML' },
              { key: 'text', label: 'Text' },
            ]}
            value={tab}
            onChange={setTab}
          />
          {tab === 'html' ? (
            <iframe
              title="HTML preview"
              sandbox=""
              srcDoc={p.data.html}
              style={{ width: '100%', height: 480, border: '1px solid #d1d5db', background: '#fff' }}
            />
          ) : (
            <pre style={{ whiteSpace: 'pre-wrap', maxHeight: 480, overflow: 'auto' }}>{p.data.text}</pre>
          )}
        </>
      )}
    </div>
  );
}
