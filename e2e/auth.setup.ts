import { expect, test as setup } from "@playwright/test";
import { E2E_USERS, storageStateFor, type E2ERole } from "./support/e2e-state";

for (const role of Object.keys(E2E_USERS) as E2ERole[]) {
  setup(`sign in as ${role}`, async ({ page }) => {
    const user = E2E_USERS[role];
    await page.goto("/sign-in");
    await page.getByLabel("E-mail").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    // The first sign-in also builds the overview page's first render: give a busy machine time.
    await expect(page.getByTestId("user-role")).toHaveText(role, { timeout: 20_000 });
    await page.context().storageState({ path: storageStateFor(role) });
  });
}
