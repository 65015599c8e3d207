// `npm run user -- add --email E --role viewer|operator|admin [--name N]`, `list`, `role --email E --role R`.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { ROLES, type Role } from "@/lib/auth/roles";
import { createLocalUser, listUsers, setUserRole } from "@/lib/auth/users";
import { withStore } from "./cli/with-store";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
});
const usage = "usage: npm run user -- add --email E --role viewer|operator|admin [--name N] | list | role --email E --role R";
const role = values.role as Role | undefined;
if (role && !ROLES.includes(role)) {
  console.error(`--role must be one of ${ROLES.join(", ")}`);
  process.exit(2);
}

await withStore(async (prisma) => {
  switch (positionals[0]) {
    case "add": {
      if (!values.email || !role) throw new Error(usage);
      const password = randomBytes(12).toString("base64url");
      await createLocalUser({ email: values.email, password, role, name: values.name ?? values.email.split("@")[0]! });
      console.log(`created ${values.email} (${role}); password: ${password}  (shown once; only a hash is stored)`);
      return;
    }
    case "list":
      for (const u of await listUsers(prisma)) console.log(`${u.email}\t${u.role}\t${u.signIn.join(",")}\t${u.createdAt}`);
      return;
    case "role": {
      if (!values.email || !role) throw new Error(usage);
      const user = await prisma.authUser.findUnique({ where: { email: values.email.toLowerCase() } });
      if (!user || !(await setUserRole(prisma, user.id, role))) throw new Error(`no account for ${values.email}`);
      console.log(`${values.email} is now ${role}`);
      return;
    }
    default:
      throw new Error(usage);
  }
});
