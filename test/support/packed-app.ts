import { execFile } from 'node:child_process';
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

// A user's app outside the workspace: the workspace packages as `npm pack` publishes them, installed with
// `npm install` from the tarballs into a fresh folder, beside whatever else the app needs from the registry.

const run = promisify(execFile);
const repoRoot = resolve(__dirname, '../..');

/** A publishable workspace package. */
export interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
}

/** Every package under `packages/` that is not private, so that packages added later are packed too. */
export async function workspacePackages(): Promise<WorkspacePackage[]> {
  const packagesDir = join(repoRoot, 'packages');
  const found: WorkspacePackage[] = [];
  for (const entry of await readdir(packagesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(packagesDir, entry.name);
    const manifest = await readJson(join(dir, 'package.json')).catch(() => undefined);
    if (manifest && manifest['private'] !== true) found.push({ name: String(manifest['name']), dir });
  }
  return found;
}

/** An app installed from packed tarballs, in a temporary folder of its own. */
export interface PackedApp {
  /** The app's folder (its `node_modules` holds what npm installed). */
  readonly dir: string;
  /** Path of the tarball of each workspace package, by package name. */
  readonly tarballs: Readonly<Record<string, string>>;
  /** How long `npm install` took, in ms. */
  readonly installMs: number;
  /** Runs npm in the app's folder; resolves with its stdout. */
  npm(args: string[]): Promise<string>;
  /** Every installed package (at any depth) with the versions found. */
  installedPackages(): Promise<Map<string, string[]>>;
  /** Bytes on disk under `node_modules`. */
  nodeModulesBytes(): Promise<number>;
  /** Removes the app's folder and the tarballs. */
  remove(): Promise<void>;
}

export interface InstallPackedAppOptions {
  /** Files copied into the app's folder (its code). */
  readonly files: string[];
  /** Registry packages the app installs besides the tarballs, as `npm install` takes them (`express@5.3.0`). */
  readonly dependencies: string[];
}

/**
 * Packs every workspace package and installs the tarballs, with `dependencies`, into a fresh app in the
 * system's temporary folder. npm resolves everything else (peer dependencies included) as it would for a
 * user; the local npm cache is preferred, so that only what it lacks comes from the registry.
 */
export async function installPackedApp(options: InstallPackedAppOptions): Promise<PackedApp> {
  const root = await mkdtemp(join(tmpdir(), 'modelsight-packed-'));
  try {
    return await packAndInstall(root, options);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

async function packAndInstall(root: string, options: InstallPackedAppOptions): Promise<PackedApp> {
  const tarballDir = join(root, 'tarballs');
  const dir = join(root, 'app');
  await mkdir(tarballDir);
  await mkdir(dir);
  const npm = async (cwd: string, args: string[]) =>
    (await run('npm', args, { cwd, env: npmEnv(), maxBuffer: 64 * 1024 * 1024 })).stdout;

  const packages = await workspacePackages();
  const packed = JSON.parse(
    await npm(repoRoot, [
      'pack',
      '--json',
      '--pack-destination',
      tarballDir,
      ...packages.flatMap((pkg) => ['--workspace', pkg.dir]),
    ]),
  ) as { name: string; filename: string }[];
  const tarballs = Object.fromEntries(packed.map((entry) => [entry.name, join(tarballDir, entry.filename)]));

  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'packed-app', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  for (const file of options.files) await cp(file, join(dir, file.split(/[\\/]/).at(-1)!));
  const started = Date.now();
  await npm(dir, [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    ...Object.values(tarballs),
    ...options.dependencies,
  ]);
  const installMs = Date.now() - started;

  return {
    dir,
    tarballs,
    installMs,
    npm: (args) => npm(dir, args),
    installedPackages: () => listPackages(join(dir, 'node_modules')),
    nodeModulesBytes: () => diskUsage(join(dir, 'node_modules')),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** The environment without the variables an npm script run hands down (they would configure the inner npm). */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_') || keep.has(key.toLowerCase())),
  );
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

async function listPackages(nodeModules: string, found = new Map<string, string[]>()): Promise<Map<string, string[]>> {
  const entries = await readdir(nodeModules, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dirs = entry.name.startsWith('@')
      ? (await readdir(join(nodeModules, entry.name), { withFileTypes: true }))
          .filter((inner) => inner.isDirectory())
          .map((inner) => join(nodeModules, entry.name, inner.name))
      : [join(nodeModules, entry.name)];
    for (const dir of dirs) {
      const manifest = await readJson(join(dir, 'package.json')).catch(() => undefined);
      if (manifest) {
        const name = String(manifest['name']);
        found.set(name, [...(found.get(name) ?? []), String(manifest['version'])]);
      }
      await listPackages(join(dir, 'node_modules'), found);
    }
  }
  return found;
}

async function diskUsage(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await diskUsage(join(path, entry));
  return total;
}
