/**
 * Test data for the bench: owners with pets, registered through the gateway's
 * public API (the same path users take), a few at a time.
 */

/** A seeded owner: email and id, both accepted by the pets route. */
export interface SeededOwner {
  email: string;
  ownerId: string;
}

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status !== 201) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Registers `count` owners with `petsEach` pets each; unique emails per run. */
export async function seedOwners(gateway: string, count: number, petsEach: number): Promise<SeededOwner[]> {
  const run = Date.now().toString(36);
  const owners: SeededOwner[] = [];
  const batch = 16;
  for (let start = 0; start < count; start += batch) {
    const created = await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, async (_, i) => {
        const email = `bench-${run}-${start + i}@vetmesh.test`;
        const registered = await post(`${gateway}/api/owner/register`, { email });
        for (let pet = 0; pet < petsEach; pet++) {
          await post(`${gateway}/api/owner/register-pet`, {
            email,
            type: pet % 2 === 0 ? "Dog" : "Cat",
            race: "Mixed",
            name: `Pet ${pet}`,
          });
        }
        return { email, ownerId: String(registered.ownerId) };
      }),
    );
    owners.push(...created);
  }
  return owners;
}

/** Reads one counter of a Prometheus text page, summing matching label sets. */
export async function scrapeCounter(metricsUrl: string, name: string, label: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{`) && line.includes(label)) sum += Number(line.split(" ").pop());
  }
  return sum;
}
