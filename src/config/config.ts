import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { DEFAULT_FLOWS, type FlowmapConfig } from './model.js';


export const CONFIG_FILE_NAMES = ['flowmap.yaml', 'flowmap.yml', 'flowmap.json'];

/** Where the config comes from: explicit path, FLOWMAP_CONFIG, or ./flowmap.yaml (.yml, .json) if present. */
export function findConfigFile(explicit?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | null {
  const given = explicit ?? (env.FLOWMAP_CONFIG ? env.FLOWMAP_CONFIG : undefined);
  if (given !== undefined) {
    if (!existsSync(resolve(cwd, given))) {
      const via = explicit !== undefined ? '' : ' (from FLOWMAP_CONFIG)';
      throw new UsageError(`config file ${given}${via} not found`);
    }
    return given;
  }
  for (const name of CONFIG_FILE_NAMES) if (existsSync(resolve(cwd, name))) return name;
  return null;
}

/** Load and validate the config (YAML, or JSON), with defaults filled in. No file: all defaults. */
export async function loadConfig(path?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<FlowmapConfig> {
  const file = findConfigFile(path, env, cwd);
  if (file === null) return { path: null, services: [], flows: { ...DEFAULT_FLOWS }, names: [], groups: [], exporters: [], serve: {} };
  const abs = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    throw new UsageError(`config file ${file}: cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
  // The parser and schema load only when there is a file: every command starts faster without.
  const [{ parse: parseYaml }, { parseConfig }] = await Promise.all([import('yaml'), import('./schema.js')]);
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new UsageError(`config file ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseConfig(data, file, dirname(abs));
}
