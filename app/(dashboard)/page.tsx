import { DashboardHome } from '@/components/dashboard/home';

export default function DashboardPage() {
  return <DashboardHome />;
}
