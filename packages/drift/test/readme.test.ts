import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('shows the fleet PSI rules exactly as shipped and tested', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const rules = readFileSync(join(__dirname, '..', 'prometheus', 'fleet-psi.rules.yml'), 'utf8');
  expect(readme).toContain(rules);
});
