import { permissionProcedure, router } from '../trpc/init';
import {
  ContentListInput,
  ContentRef,
  ContentSaveInput,
  ContentScheduleInput,
  ContentSetStatusInput,
  PreviewInput,
  RestoreInput,
  ObjectIdString,
} from './schema';
import { z } from 'zod';
import { eventRegistrations, getContent, listContent, previewMarkdown, saveContent, scheduleContent, setContentStatus } from './service';
import { listRevisions, restoreRevision } from './revisions';

/** Reading stays with the data permissions; every change needs content.edit. */
const read = permissionProcedure('data.content.read');
const edit = permissionProcedure('content.edit');

export const contentRouter = router({
  list: read.input(ContentListInput).query(({ ctx, input }) => listContent(ctx.db, input)),
  get: read.input(ContentRef).query(({ ctx, input }) => getContent(ctx.db, input.type, input.id)),
  revisions: read.input(ContentRef).query(({ ctx, input }) => listRevisions(ctx.db, input.type, input.id)),
  registrations: permissionProcedure('data.registrations.read')
    .input(z.strictObject({ eventId: ObjectIdString }))
    .query(({ ctx, input }) => eventRegistrations(ctx.db, ctx.operator.role, input.eventId)),
  preview: edit.input(PreviewInput).query(({ input }) => previewMarkdown(input.markdown)),
  save: edit.input(ContentSaveInput).mutation(({ ctx, input }) => saveContent(ctx.db, ctx.operator, input, ctx.audit)),
  setStatus: edit.input(ContentSetStatusInput).mutation(({ ctx, input }) => setContentStatus(ctx.db, ctx.operator, input, ctx.audit)),
  schedule: edit.input(ContentScheduleInput).mutation(({ ctx, input }) => scheduleContent(ctx.db, ctx.operator, input, ctx.audit)),
  restoreRevision: edit.input(RestoreInput).mutation(({ ctx, input }) => restoreRevision(ctx.db, ctx.operator, input, ctx.audit)),
});
