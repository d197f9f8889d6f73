/**
 * Every plain API route that needs a caller, declared once (server/http/route.ts). The role walk test
 * (server/trpc/role-walk.int.test.ts) checks each against each role. Public routes (health, readiness,
 * metrics with its own token, NextAuth) are not here.
 */
import { env } from '../env';
import type { RouteSpec } from './route';

export const ROUTE_SPECS = {
  export: {
    route: '/api/export/[collection]',
    method: 'GET',
    auth: 'session',
    permission: 'export',
    budget: 'export',
    concurrent: () => env().EXPORTS_CONCURRENT_PER_OPERATOR,
    auditAction: 'export.download',
  },
  analyticsCsv: {
    route: '/api/analytics/csv',
    method: 'GET',
    auth: 'session',
    permission: 'analytics.read',
    budget: 'analyticsCsv',
    auditAction: 'analytics.csv',
  },
  backupDownload: {
    route: '/api/backups/[id]/download',
    method: 'GET',
    auth: 'session',
    permission: 'backup.read',
    budget: 'backupFile',
    concurrent: () => 2,
    auditAction: 'backup.download',
  },
  backupUpload: {
    route: '/api/backups/upload',
    method: 'POST',
    auth: 'session',
    permission: 'backup.upload',
    budget: 'backupFile',
    concurrent: () => 1,
    auditAction: 'backup.upload',
  },
  events: {
    route: '/api/events',
    method: 'POST',
    auth: 'apiKey',
    scope: 'events:write',
    budget: 'events',
  },
} as const satisfies Record<string, RouteSpec>;
