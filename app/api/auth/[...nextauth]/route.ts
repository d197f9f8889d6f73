import NextAuth from 'next-auth';
import { authOptions } from '@/server/auth/options';
import { withRouteMetrics } from '@/server/metrics/registry';

export const dynamic = 'force-dynamic';

const handler = withRouteMetrics('/api/auth/[...nextauth]', NextAuth(authOptions));
export { handler as GET, handler as POST };
