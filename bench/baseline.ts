import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './server-specs.js';

/** ferry at another commit, checked out in a temporary git worktree and built there. */
export interface BaselineBuild {
  /** The worktree; `dist/main.js` in it is the built server. */
  directory: string;
  commit: string;
  shortCommit: string;
  /** Removes the worktree. Synchronous, so exit and signal handlers can call it; a second call does nothing. */
  remove: () => void;
}

export interface BaselineBuildOptions {
  /** Any git ref that names a commit of this repository. */
  ref: string;
  progress: (text: string) => void;
}

/** Every worktree not yet removed, so an exit, a signal or an error can remove them all. */
const live = new Set<BaselineBuild>();

function git(args: readonly string[]): string {
  return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function resolveCommit(ref: string): string {
  try {
    return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`--baseline: "${ref}" names no commit in ${REPO_ROOT}`);
  }
}

function addWorktree(commit: string): BaselineBuild {
  const directory = mkdtempSync(join(tmpdir(), 'ferry-bench-baseline-'));
  let removed = false;
  const build: BaselineBuild = {
    directory,
    commit,
    shortCommit: git(['rev-parse', '--short', commit]),
    remove: () => {
      if (removed) return;
      removed = true;
      live.delete(build);
      // --force: the worktree holds an untracked node_modules link and the ignored dist/.
      const result = spawnSync('git', ['worktree', 'remove', '--force', directory], { cwd: REPO_ROOT, stdio: 'ignore' });
      rmSync(directory, { recursive: true, force: true });
      if (result.status !== 0) process.stderr.write(`bench: git worktree remove ${directory} failed; \`git worktree prune\` clears its entry\n`);
    },
  };
  live.add(build);
  // git accepts the empty directory mkdtemp made.
  const added = spawnSync('git', ['worktree', 'add', '--detach', directory, commit], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (added.status !== 0) {
    build.remove();
    throw new Error(`git worktree add ${directory} ${commit} failed: ${added.stderr.trim()}`);
  }
  return build;
}

/**
 * Checks out `ref` in a temporary worktree and runs that commit's `npm run build` there.
 * The worktree borrows this checkout's node_modules (a symlink): the baseline's
 * dependencies are the same or a subset, and the repository's tsc compiles it.
 */
export function createBaselineBuild({ ref, progress }: BaselineBuildOptions): BaselineBuild {
  const commit = resolveCommit(ref);
  const build = addWorktree(commit);
  try {
    symlinkSync(realpathSync(join(REPO_ROOT, 'node_modules')), join(build.directory, 'node_modules'), 'dir');
    const named = ref === build.shortCommit ? ref : `${ref} (${build.shortCommit})`;
    progress(`building the baseline ${named} in ${build.directory} (npm run build)…`);
    const result = spawnSync('npm', ['run', 'build'], { cwd: build.directory, stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0) throw new Error(`npm run build of the baseline ${build.shortCommit} failed${result.signal === null ? '' : ` (${result.signal})`}`);
    if (!existsSync(join(build.directory, 'dist', 'main.js'))) throw new Error(`the baseline ${build.shortCommit} built no dist/main.js`);
    return build;
  } catch (error) {
    build.remove();
    throw error;
  }
}

export function removeAllBaselinesNow(): void {
  for (const build of live) build.remove();
}
