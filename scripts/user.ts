// `npm run user -- add --email E --role viewer|operator|admin [--name N]`, `list`, `role --email E --role R`.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { z } from "zod";
import { cliActor } from "@/lib/audit/cli-actor";
import { ROLES, type Role } from "@/lib/auth/roles";
import { createLocalUser, listUsers, setUserRole } from "@/lib/auth/users";
import { CliInputError, withStore } from "./cli/with-store";

const usage = "usage: npm run user -- add --email E --role viewer|operator|admin [--name N] | list | role --email E --role R";

/** Bad arguments: one line and exit status 2, before the store is started. */
function refuse(message: string): never {
  console.error(message === usage ? usage : `${message}; ${usage}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({ allowPositionals: true, options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" } } });
} catch (err) {
  refuse((err as Error).message);
}
const { values, positionals } = args;
const command = positionals[0];
if (command !== "add" && command !== "list" && command !== "role") refuse(command ? `unknown command "${command}"` : usage);
if (positionals.length > 1) refuse(`unexpected argument "${positionals[1]}"`);
const role = values.role as Role | undefined;
if (role !== undefined && !ROLES.includes(role)) refuse(`--role must be one of ${ROLES.join(", ")}; got "${values.role}"`);
if (command !== "list") {
  if (!values.email) refuse(`${command} needs --email`);
  if (!z.email().max(200).safeParse(values.email).success) refuse(`--email "${values.email.slice(0, 200)}" is not an e-mail address`);
  if (!role) refuse(`${command} needs --role`);
  if (values.name !== undefined && !values.name.trim()) refuse("--name must not be empty");
}

await withStore(async (prisma) => {
  switch (command) {
    case "add": {
      const password = randomBytes(12).toString("base64url");
      if (await prisma.authUser.findUnique({ where: { email: values.email!.toLowerCase() } }))
        throw new CliInputError(`an account for ${values.email} already exists`);
      await createLocalUser(prisma, cliActor(), {
        email: values.email!,
        password,
        role: role!,
        name: (values.name ?? values.email!.split("@")[0]!).slice(0, 120),
      });
      console.log(`created ${values.email} (${role}); password: ${password}  (shown once; only a hash is stored)`);
      return;
    }
    case "list":
      for (const u of await listUsers(prisma)) console.log(`${u.email}\t${u.role}\t${u.signIn.join(",")}\t${u.createdAt}`);
      return;
    case "role": {
      const user = await prisma.authUser.findUnique({ where: { email: values.email!.toLowerCase() } });
      if (!user || !(await setUserRole(prisma, cliActor(), user.id, role!))) throw new CliInputError(`no account for ${values.email}`);
      console.log(`${values.email} is now ${role}`);
      return;
    }
  }
});
