import { permissionProcedure, router } from '../trpc/init';
import {
  campaignAudienceInput,
  campaignCreateInput,
  campaignIdInput,
  campaignScheduleInput,
  messageIdInput,
  outboxListInput,
  preferencesGetInput,
  preferencesSetInput,
  ruleSaveInput,
  suppressionAddInput,
  suppressionListInput,
  suppressionRemoveInput,
  templateGetInput,
  templatePreviewInput,
  templateRestoreInput,
  templateSaveInput,
  templateSendTestInput,
} from './schema';
import {
  getMessage,
  getTemplateDto,
  listOutbox,
  listSuppressions,
  listTemplates,
  memberPreferences,
  outboxSummary,
  previewTemplate,
  restoreTemplate,
  retryMessage,
  saveTemplate,
  sendTestToMe,
  setMemberPreferences,
} from './service';
import {
  campaignDto,
  campaignReport,
  cancelCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  pauseCampaign,
  previewAudience,
  resumeCampaign,
  scheduleCampaign,
  startDueCampaigns,
} from './campaigns';
import { addSuppression, removeSuppression } from './preferences';
import { getRule, saveRule } from './automation';
import { getTemplate } from './templates';

const who = (ctx: { operator: { admin: { _id: { toHexString(): string }; email: string } } }) => ({
  id: ctx.operator.admin._id.toHexString(),
  email: ctx.operator.admin.email,
});

export const messagingRouter = router({
  templates: router({
    list: permissionProcedure('messaging.templates.edit').query(({ ctx }) => listTemplates(ctx.db)),
    get: permissionProcedure('messaging.templates.edit')
      .input(templateGetInput)
      .query(({ ctx, input }) => getTemplateDto(ctx.db, input.key)),
    save: permissionProcedure('messaging.templates.edit')
      .input(templateSaveInput)
      .mutation(async ({ ctx, input }) => {
        const r = await saveTemplate(ctx.db, input, who(ctx));
        ctx.audit.target = { type: 'message_template', id: r.key, label: `${r.key} v${r.version}` };
        ctx.audit.details = { before: r.before, after: { version: r.version, subject: input.subject } };
        return r;
      }),
    restore: permissionProcedure('messaging.templates.edit')
      .input(templateRestoreInput)
      .mutation(async ({ ctx, input }) => {
        const r = await restoreTemplate(ctx.db, input.key, input.version, who(ctx));
        ctx.audit.target = { type: 'message_template', id: r.key, label: `${r.key} v${r.version}` };
        ctx.audit.details = { restoredFrom: input.version, before: r.before, after: { version: r.version } };
        return r;
      }),
    preview: permissionProcedure('messaging.templates.edit')
      .input(templatePreviewInput)
      .query(({ ctx, input }) => previewTemplate(ctx.db, input, ctx.operator.role)),
    sendTest: permissionProcedure('messaging.templates.edit')
      .input(templateSendTestInput)
      .mutation(async ({ ctx, input }) => {
        const r = await sendTestToMe(ctx.db, input, who(ctx), ctx.operator.role);
        ctx.audit.target = { type: 'message', id: r.messageId, label: `test of ${input.key}` };
        return r;
      }),
  }),
  campaigns: router({
    list: permissionProcedure('messaging.reports.read').query(({ ctx }) => listCampaigns(ctx.db)),
    get: permissionProcedure('messaging.reports.read')
      .input(campaignIdInput)
      .query(async ({ ctx, input }) => campaignDto(await getCampaign(ctx.db, input.id))),
    create: permissionProcedure('messaging.campaigns.send')
      .input(campaignCreateInput)
      .mutation(async ({ ctx, input }) => {
        const c = await createCampaign(ctx.db, input, who(ctx));
        ctx.audit.target = { type: 'campaign', id: c._id.toHexString(), label: c.name };
        ctx.audit.details = { after: campaignDto(c) };
        return campaignDto(c);
      }),
    audience: permissionProcedure('messaging.campaigns.send')
      .input(campaignAudienceInput)
      .query(async ({ ctx, input }) => {
        const t = await getTemplate(ctx.db, input.templateKey);
        return previewAudience(ctx.db, { ...input, category: t.category }, ctx.operator.admin._id, ctx.operator.role);
      }),
    schedule: permissionProcedure('messaging.campaigns.send')
      .input(campaignScheduleInput)
      .mutation(async ({ ctx, input }) => {
        const c = await scheduleCampaign(ctx.db, input.id, input.at);
        ctx.audit.target = { type: 'campaign', id: input.id, label: c.name };
        ctx.audit.details = { before: { status: 'draft' }, after: { status: c.status, scheduledAt: c.scheduledAt } };
        if (c.scheduledAt && c.scheduledAt <= new Date()) void startDueCampaigns(ctx.db).catch((e) => console.error('[messaging] start:', e));
        return campaignDto(c);
      }),
    pause: permissionProcedure('messaging.campaigns.send')
      .input(campaignIdInput)
      .mutation(async ({ ctx, input }) => {
        const c = await pauseCampaign(ctx.db, input.id);
        ctx.audit.target = { type: 'campaign', id: input.id, label: c.name };
        return campaignDto(c);
      }),
    resume: permissionProcedure('messaging.campaigns.send')
      .input(campaignIdInput)
      .mutation(async ({ ctx, input }) => {
        const c = await resumeCampaign(ctx.db, input.id);
        ctx.audit.target = { type: 'campaign', id: input.id, label: c.name };
        return campaignDto(c);
      }),
    cancel: permissionProcedure('messaging.campaigns.send')
      .input(campaignIdInput)
      .mutation(async ({ ctx, input }) => {
        const c = await cancelCampaign(ctx.db, input.id);
        ctx.audit.target = { type: 'campaign', id: input.id, label: c.name };
        return campaignDto(c);
      }),
    report: permissionProcedure('messaging.reports.read')
      .input(campaignIdInput)
      .query(({ ctx, input }) => campaignReport(ctx.db, input.id)),
    rule: permissionProcedure('messaging.reports.read').query(({ ctx }) => getRule(ctx.db)),
    saveRule: permissionProcedure('messaging.campaigns.send')
      .input(ruleSaveInput)
      .mutation(async ({ ctx, input }) => {
        const r = await saveRule(ctx.db, input, ctx.operator.admin.email);
        ctx.audit.target = { type: 'messaging_rule', id: 'reengagement' };
        ctx.audit.details = { before: r.before, after: r.after };
        return r.after;
      }),
  }),
  outbox: router({
    list: permissionProcedure('messaging.reports.read')
      .input(outboxListInput)
      .query(({ ctx, input }) => listOutbox(ctx.db, input, ctx.operator.role)),
    summary: permissionProcedure('messaging.reports.read').query(({ ctx }) => outboxSummary(ctx.db)),
    get: permissionProcedure('messaging.reports.read')
      .input(messageIdInput)
      .query(({ ctx, input }) => getMessage(ctx.db, input.id, ctx.operator.role)),
    retry: permissionProcedure('messaging.campaigns.send')
      .input(messageIdInput)
      .mutation(async ({ ctx, input }) => {
        const r = await retryMessage(ctx.db, input.id);
        ctx.audit.target = { type: 'message', id: input.id };
        ctx.audit.details = { before: { status: r.previous, lastError: r.lastError }, after: { status: 'queued' } };
        return r;
      }),
  }),
  suppressions: router({
    list: permissionProcedure('messaging.reports.read')
      .input(suppressionListInput)
      .query(({ ctx, input }) => listSuppressions(ctx.db, input.q, ctx.operator.role)),
    add: permissionProcedure('messaging.campaigns.send')
      .input(suppressionAddInput)
      .mutation(async ({ ctx, input }) => {
        const s = await addSuppression(ctx.db, input.address, 'manual', input.detail, ctx.operator.admin.email);
        ctx.audit.target = { type: 'suppression', id: s._id };
        return { address: s._id };
      }),
    remove: permissionProcedure('messaging.campaigns.send')
      .input(suppressionRemoveInput)
      .mutation(async ({ ctx, input }) => {
        const s = await removeSuppression(ctx.db, input.address);
        ctx.audit.target = { type: 'suppression', id: s._id };
        ctx.audit.details = { before: { reason: s.reason, detail: s.detail, at: s.at } };
        return { address: s._id };
      }),
  }),
  preferences: router({
    get: permissionProcedure('messaging.reports.read')
      .input(preferencesGetInput)
      .query(({ ctx, input }) => memberPreferences(ctx.db, input.memberId, ctx.operator.role)),
    set: permissionProcedure('messaging.campaigns.send')
      .input(preferencesSetInput)
      .mutation(async ({ ctx, input }) => {
        const before = await memberPreferences(ctx.db, input.memberId, ctx.operator.role);
        const after = await setMemberPreferences(ctx.db, input.memberId, input.categories as Record<string, boolean>, ctx.operator.role);
        ctx.audit.target = { type: 'member', id: input.memberId };
        ctx.audit.details = { before: before.categories, after: after.categories };
        return after;
      }),
  }),
});
