// How the generated types read in an integrator's code; `tsc --noEmit --strict` checks it in make test
// (tests/deploy/test_deploy_typescript_client.py), so a type change that breaks it fails there.
import type { dealreg, notifications } from "../src/index";

type DealCreate = dealreg.components["schemas"]["DealCreate"];
type Deal = dealreg.operations["post_deal"]["responses"][201]["content"]["application/json"];
type Problem = dealreg.components["schemas"]["Problem"];
type RewardEarned = notifications.components["schemas"]["RewardEarnedWebhook"];

export const registration: DealCreate = {
  vendor_id: "acme",
  customer: { name: "Globex Corporation", domain: "globex.com", country: "US" },
  products: [{ sku: "FW-500", quantity: 10, unit_price: "1200.00" }],
  currency: "USD",
  margin_pct: "25",
  expected_close_date: "2027-02-15",
};

export async function register(base: string, token: string, key: string): Promise<Deal> {
  const response = await fetch(`${base}/v1/deals`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify(registration),
  });
  if (response.status !== 201) {
    const problem = (await response.json()) as Problem;
    throw new Error(`${problem.status} ${problem.title}: ${problem.detail}`);
  }
  return (await response.json()) as Deal;
}

export function rewardOf(event: RewardEarned): string {
  const status: Deal["status"] = "pending_approval";
  return `${event.data.amount} ${event.data.currency} (${event.data.kind}, deal ${status})`;
}
