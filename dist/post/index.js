import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: external "node:async_hooks"
const external_node_async_hooks_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");
;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./src/runner/commands.ts




// The runner's protocol, written here instead of loading @actions/core: workflow commands on
// stdout (`::name props::message`) and file commands (GITHUB_OUTPUT, GITHUB_STATE,
// GITHUB_STEP_SUMMARY), as GitHub documents them
// (https://docs.github.com/actions/reference/workflow-commands-for-github-actions) and as
// @actions/core 3 writes them (lib/command.js, file-command.js, core.js, summary.js).
// @actions/core pulls in its HTTP client on load, most of the action's start-up time for
// functions of a few lines; __tests__/unit/commands.test.ts holds every function here to
// @actions/core's own output, byte for byte. Only log.ts, state.ts and inputs read or write
// through it; nothing here redacts (log.ts does).
/** `%`, CR and LF escaped, as the runner unescapes them in a command's message. */
function escapeData(s) {
    return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
function issueCommand(command, properties, message) {
    const props = Object.entries(properties)
        .filter(([, v]) => v)
        .map(([k, v]) => `${k}=${escapeProperty(v)}`)
        .join(',');
    process.stdout.write(`::${command}${props ? ` ${props}` : ''}::${escapeData(message)}${external_node_os_namespaceObject.EOL}`);
}
function info(message) {
    process.stdout.write(message + external_node_os_namespaceObject.EOL);
}
const warning = (message) => issueCommand('warning', {}, message);
const notice = (message) => issueCommand('notice', {}, message);
const error = (message) => issueCommand('error', {}, message);
const setSecret = (secret) => issueCommand('add-mask', {}, secret);
const startGroup = (name) => issueCommand('group', {}, name);
const endGroup = () => issueCommand('endgroup', {}, '');
/** An input as the runner passes it: INPUT_<NAME>, trimmed. */
function getInput(name) {
    return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim();
}
/** What main saved, as the runner gives it back to post: STATE_<name>. */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function setOutput(name, value) {
    keyValue('OUTPUT', 'set-output', name, value);
}
function saveState(name, value) {
    keyValue('STATE', 'save-state', name, value);
}
/**
 * `name<<delimiter` / value / `delimiter` appended to the runner's file, with a delimiter no
 * value can contain; the old stdout command when the runner gives no file.
 */
function keyValue(file, command, name, value) {
    const path = process.env[`GITHUB_${file}`] || '';
    if (!path) {
        if (file === 'OUTPUT')
            process.stdout.write(external_node_os_namespaceObject.EOL);
        issueCommand(command, { name }, value);
        return;
    }
    const delimiter = `ghadelimiter_${(0,external_node_crypto_namespaceObject.randomUUID)()}`;
    if (name.includes(delimiter) || value.includes(delimiter))
        throw new Error(`Unexpected input: the value contains the delimiter "${delimiter}"`);
    if (!external_node_fs_namespaceObject.existsSync(path))
        throw new Error(`Missing file at path: ${path}`);
    external_node_fs_namespaceObject.appendFileSync(path, `${name}<<${delimiter}${external_node_os_namespaceObject.EOL}${value}${external_node_os_namespaceObject.EOL}${delimiter}${external_node_os_namespaceObject.EOL}`, { encoding: 'utf8' });
}
/**
 * Puts a directory first on PATH, for this process and the job's later steps (GITHUB_PATH;
 * the old `add-path` command when the runner gives no file), as @actions/core addPath does.
 */
function addPath(dir) {
    const file = process.env.GITHUB_PATH || '';
    if (file) {
        if (!fs.existsSync(file))
            throw new Error(`Missing file at path: ${file}`);
        fs.appendFileSync(file, `${dir}${EOL}`, { encoding: 'utf8' });
    }
    else
        issueCommand('add-path', {}, dir);
    process.env.PATH = `${dir}${delimiter}${process.env.PATH}`;
}
/** Appends to the job summary (GITHUB_STEP_SUMMARY), which must exist and be writable. */
function appendSummary(path, markdown) {
    try {
        fs.accessSync(path, fs.constants.R_OK | fs.constants.W_OK);
    }
    catch (err) {
        throw new Error(`Unable to access summary file: '${path}'. Check if the file has correct read/write permissions.`, { cause: err });
    }
    fs.appendFileSync(path, markdown + EOL, { encoding: 'utf8' });
}

;// CONCATENATED MODULE: ./src/runner/redact.ts

// Every secret this run knows of, as the runner would mask it: the whole value and each
// line on its own. The runner masks only what reaches it through `::add-mask::`, and only
// on GitHub; local runs and anything we print before registering would leak. So every
// line this action prints, sets as an output or writes to the summary goes through
// `redact()` as well: masking does not depend on the runner.
const secrets = new Set();
// Lines shorter than this are PEM armour or padding fragments ("-----END PRIVATE KEY-----"
// is public; a 2-character base64 tail would mask half the log). The runner does the same
// for very short values.
const MIN_SECRET_LINE = 8;
function addSecret(value) {
    const whole = value.trim();
    const lines = value.split(/\r?\n/).map(l => l.trim());
    const parts = [whole, ...lines.filter(l => !l.startsWith('-----'))];
    for (const part of parts) {
        if (part.length < MIN_SECRET_LINE || secrets.has(part))
            continue;
        secrets.add(part);
        setSecret(part);
    }
}
function redact_redact(text) {
    if (secrets.size === 0 || text === '')
        return text;
    let out = text;
    // Longest first, so a whole key is replaced before its lines are.
    for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
        if (out.includes(s))
            out = out.split(s).join('***');
    }
    return out;
}
function hasSecrets() {
    return secrets.size > 0;
}
/** Only for tests: forget every secret. */
function resetSecrets() {
    secrets.clear();
}

;// CONCATENATED MODULE: ./src/runner/log.ts



// The one way out for text: log lines, annotations, outputs and the job summary. Every
// function redacts what it is given, so no caller can forget to (docker, buildx and the
// daemon print file contents and logs that may hold key material). No other module writes
// workflow commands (commands.ts); a unit test holds the code to that.
function log_info(text) {
    out(() => info(redact_redact(text)));
}
function log_warning(text) {
    out(() => warning(redact_redact(text)));
}
function log_notice(text) {
    out(() => core.notice(redact(text)));
}
const held = new external_node_async_hooks_namespaceObject.AsyncLocalStorage();
function out(write) {
    const h = held.getStore();
    if (h === undefined || h.shown)
        write();
    else
        h.lines.push(write);
}
/**
 * Starts work now that its step shows later: its log lines are held (whatever else logs
 * meanwhile goes out as usual) and come out, in order, when `shown()` is called in the
 * step's group, which then waits for the work. An error is kept for `shown()` to throw.
 */
function ahead(work) {
    const h = { lines: [], shown: false };
    const result = held.run(h, work);
    result.catch(() => undefined); // thrown by shown(); a run that fails before that never asks
    return {
        shown() {
            h.shown = true;
            for (const write of h.lines.splice(0))
                write();
            return result;
        }
    };
}
/** The step's failure: only the entry point calls this. */
function fail(text) {
    process.exitCode = 1;
    core.error(redact(text));
}
function log_setOutput(name, value) {
    core.setOutput(name, redact(value));
}
/** Puts a directory first on PATH for this step and the job's later ones (a buildx installed standalone). */
function log_addPath(dir) {
    core.addPath(dir);
}
const steps = [];
/** A named step in its own log group; its duration is logged and kept for the summary. */
async function group(name, fn) {
    const t0 = performance.now();
    startGroup(redact_redact(name));
    try {
        return await fn();
    }
    finally {
        const ms = Math.round(performance.now() - t0);
        steps.push({ name, ms });
        info(`(${ms} ms)`);
        endGroup();
    }
}
/** The steps run so far, with their durations. */
function durations() {
    return steps;
}
/** Appends to the job summary; false when the runner gives no summary file. */
async function summary(markdown) {
    if (!process.env.GITHUB_STEP_SUMMARY) {
        log_info('GITHUB_STEP_SUMMARY is not set: no job summary written');
        return false;
    }
    core.appendSummary(process.env.GITHUB_STEP_SUMMARY, redact(markdown));
    return true;
}

;// CONCATENATED MODULE: ./src/runner/exec.ts



const children = new Set();
let stopping;
async function exec_run(command, args, options = {}) {
    if (stopping)
        throw new Error(`the step was cancelled (${stopping}): ${command} not started`);
    // Loaded with the first command, at once (getBuiltinModule, Node 20.16+), not with the
    // bundle: compiling node:child_process is ~9 ms of a step's start, before its first line.
    const { spawn } = process.getBuiltinModule('node:child_process');
    const show = options.show ?? false;
    if (show)
        log_info(`$ ${[command, ...args].map(quoteArg).join(' ')}`);
    return new Promise((resolve, reject) => {
        // Its own process group, so that a signal reaches what it starts in turn (the docker CLI
        // runs buildx as a plugin process of its own).
        const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        children.add(child);
        let stdout = '';
        let stderr = '';
        const shown = { out: '', err: '' };
        const collect = (which) => (chunk) => {
            const text = chunk.toString('utf8');
            if (which === 'out')
                stdout += text;
            else
                stderr += text;
            if (!show)
                return;
            const lines = (shown[which] + text).split(/\r?\n/);
            shown[which] = lines.pop() ?? '';
            for (const l of lines)
                log_info(l);
        };
        child.stdout.on('data', collect('out'));
        child.stderr.on('data', collect('err'));
        child.on('error', err => {
            children.delete(child);
            reject(new Error(`could not run ${command}: ${err.message}. Is ${command} installed and on PATH?`));
        });
        child.on('close', (code, signal) => {
            children.delete(child);
            if (show)
                for (const rest of [shown.out, shown.err])
                    if (rest !== '')
                        log_info(rest);
            const exitCode = code ?? 128 + (signal ? external_node_os_namespaceObject.constants.signals[signal] : 0);
            resolve({ exitCode, stdout, stderr });
        });
    });
}
/** run(), then throw an error naming what failed and the last meaningful stderr line. */
async function exec_runChecked(what, command, args, options = {}) {
    const res = await exec_run(command, args, options);
    if (res.exitCode !== 0) {
        throw new Error(`${what} failed (exit code ${res.exitCode}): ${lastLine(res.stderr || res.stdout)}`);
    }
    return res;
}
/**
 * Passes a signal on to every process this step started and starts no more; resolves when
 * they have all ended (or after `graceMs`, when the rest get SIGKILL).
 */
async function stopChildren(signal, graceMs = 5000) {
    stopping = signal;
    const live = [...children];
    for (const c of live)
        killGroup(c, signal);
    const ended = Promise.all(live.map(c => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise(r => c.once('close', r)))));
    let timer;
    const late = new Promise(r => (timer = setTimeout(() => r('late'), graceMs)));
    if ((await Promise.race([ended, late])) === 'late')
        for (const c of children)
            killGroup(c, 'SIGKILL');
    clearTimeout(timer);
}
/**
 * A cancelled job: the runner sends SIGINT, then SIGTERM. Each step's entry point passes the
 * signal on to the docker and buildx processes it started, waits for them, and stops; the post
 * step (which runs for cancelled jobs too) removes what was created, from the run record.
 */
function passSignalsOn() {
    for (const signal of ['SIGINT', 'SIGTERM']) {
        process.once(signal, () => {
            log_info(`${signal}: stopping this step's child processes; the post step removes what this run created`);
            void stopChildren(signal).finally(() => process.exit(128 + external_node_os_namespaceObject.constants.signals[signal]));
        });
    }
}
function killGroup(c, signal) {
    try {
        if (c.pid !== undefined)
            process.kill(-c.pid, signal);
    }
    catch {
        c.kill(signal); // the group is gone already, or this platform has none
    }
}
function lastLine(text) {
    const lines = text
        .split(/\r?\n/)
        .map(l => l.trim())
        .filter(l => l !== '' && !/^-+$/.test(l));
    return redact_redact(lines.length > 0 ? lines[lines.length - 1] : '(no output)');
}
function quoteArg(arg) {
    return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

;// CONCATENATED MODULE: ./src/buildkit/daemon-log.ts
// The daemon's own log, as `docker logs` gives it, made readable: when the daemon won't
// start, the step's error says why in the daemon's words. Pure.
/**
 * Without NUL and other control bytes (a restarting container's log interleaves Go stack
 * frames written as binary), and without a line that repeats one already kept (each restart
 * prints the same error again).
 */
function cleanLog(text) {
    const seen = new Set();
    const out = [];
    // eslint-disable-next-line no-control-regex
    for (const raw of text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').split('\n')) {
        const line = raw.trimEnd();
        if (line === '' || seen.has(line))
            continue;
        seen.add(line);
        out.push(line);
    }
    return out.join('\n');
}
// What a daemon that exits at start prints, most telling first: cmd/buildkitd/main.go
// prints a start error as "buildkitd: <error>"; urfave/cli prints "Incorrect Usage." for a
// bad flag; logrus lines carry level=fatal/error; errors of the worker set-up begin with
// "failed to" (e.g. failed to read cni config "…"). Warnings (CDI) are not causes.
const CAUSES = (/* unused pure expression or super */ null && ([
    /^buildkitd: .+/,
    /^Incorrect Usage\..*|flag provided but not defined: .+/,
    /level=fatal .*/,
    /^(failed to|invalid |unable to |could not ).+/i,
    /level=error .*/
]));
/**
 * The line that says why the daemon stopped, or undefined. A restarting daemon prints the
 * same error each time while the interleaving garbles other lines, so among the lines of the
 * most telling kind the most frequent wins (then the first).
 */
function firstError(log) {
    const counts = new Map();
    // eslint-disable-next-line no-control-regex
    for (const raw of log.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').split('\n')) {
        const line = raw.trim();
        if (line !== '')
            counts.set(line, (counts.get(line) ?? 0) + 1);
    }
    const best = (re) => {
        let top;
        for (const [line, n] of counts)
            if (re.test(line) && (top === undefined || n > top[1]))
                top = [line, n];
        return top?.[0];
    };
    const found = CAUSES.map(best);
    const [start, , , wrap] = found;
    // "buildkitd: %+v" prints the innermost error first and the messages wrapped around it on
    // later lines (pkg/errors): put them back together as the error reads.
    if (start !== undefined && wrap !== undefined) {
        const cause = start.replace(/^buildkitd: /, '');
        return wrap.includes(cause) ? wrap : `${wrap}: ${cause}`;
    }
    const first = found.find(l => l !== undefined);
    return first === undefined ? undefined : logfmtMessage(first);
}
/** From a logrus line, its msg (and error) fields; any other line as it is. */
function logfmtMessage(line) {
    const msg = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
    if (msg === undefined)
        return line;
    const error = /\berror="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
    const unq = (s) => s.replace(/\\(["\\])/g, '$1');
    return error ? `${unq(msg)}: ${unq(error)}` : unq(msg);
}

;// CONCATENATED MODULE: ./src/install/plugin-file.ts



// The buildx plugin file a `version` install put in place, and putting back what was there
// before: plain file operations, in a module of their own so that the post step's bundle
// (dist/post/) does not carry the install's downloads, tool cache and Actions cache client.
/**
 * Puts back the plugin that was there before installBuildx (or removes the one it installed
 * when there was none), and says what it did. Safe to call again: what was done already is
 * reported, not repeated. With `sha256`, a plugin some later step put in place of ours is
 * left alone rather than removed.
 */
function restorePlugin(installed) {
    const { pluginPath, backupPath } = installed;
    if (backupPath !== undefined) {
        const kind = lstatKind(backupPath);
        if (kind === undefined)
            return `the buildx plugin that was at ${pluginPath} before this run is already back (no backup left at ${backupPath})`;
        if (kind === 'link')
            place(pluginPath, staged => external_node_fs_namespaceObject.symlinkSync(external_node_fs_namespaceObject.readlinkSync(backupPath), staged));
        else
            place(pluginPath, staged => external_node_fs_namespaceObject.copyFileSync(backupPath, staged));
        external_node_fs_namespaceObject.rmSync(backupPath, { force: true });
        return `put back the buildx plugin that was at ${pluginPath} before this run`;
    }
    if (lstatKind(pluginPath) === undefined)
        return `the buildx plugin this run installed at ${pluginPath} is already removed`;
    if (installed.sha256 !== undefined && (0,external_node_crypto_namespaceObject.createHash)('sha256').update(external_node_fs_namespaceObject.readFileSync(pluginPath)).digest('hex') !== installed.sha256) {
        return `left ${pluginPath} alone: it is no longer the buildx this run installed (another step replaced it)`;
    }
    external_node_fs_namespaceObject.rmSync(pluginPath, { force: true });
    return `removed the buildx plugin this run installed at ${pluginPath} (there was none before)`;
}
/** A name in the plugin directory the docker CLI never takes for a plugin (no docker- prefix). */
function stagingName(target) {
    return external_node_path_namespaceObject.join(external_node_path_namespaceObject.dirname(target), `.buildkit-builder-${(0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex')}.tmp`);
}
/** Puts a file at `target` in one step: `write` makes it under a staging name, which is renamed over `target`. */
function place(target, write) {
    const staged = stagingName(target);
    try {
        write(staged);
        external_node_fs_namespaceObject.renameSync(staged, target);
    }
    finally {
        external_node_fs_namespaceObject.rmSync(staged, { force: true });
    }
}
function lstatKind(p) {
    try {
        const st = external_node_fs_namespaceObject.lstatSync(p);
        return st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other';
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return undefined;
        throw err;
    }
}

;// CONCATENATED MODULE: ./src/drivers/docker-container/names.ts

// The docker-container driver's names: a node's container and state volume, and the docker CLI
// flags that reach its engine (driver/docker-container/driver.go). Pure.
/** The container the docker-container driver runs the daemon in. */
function containerName(builder) {
    return nodeContainer(nodeName(builder));
}
/** The container of a node (driver/docker-container: buildx_buildkit_ + the node's name). */
function nodeContainer(node) {
    return `buildx_buildkit_${node}`;
}
/**
 * The docker CLI's global flags that reach a node's engine. buildx records a docker context
 * by name and a docker host as a URL (builder/builder.go validateEndpoint; the default
 * context as its host, e.g. unix:///var/run/docker.sock).
 */
function engineArgs(endpoint) {
    if (endpoint === '')
        return [];
    return /^[a-z]+:\/\//.test(endpoint) ? ['--host', endpoint] : ['--context', endpoint];
}
/** The state volume mounted at /var/lib/buildkit; `rm --keep-state` keeps it. */
function volumeName(builder) {
    return nodeVolume(nodeName(builder));
}
/** A node's state volume (driver/docker-container: the container's name + _state). */
function nodeVolume(node) {
    return `${nodeContainer(node)}_state`;
}

;// CONCATENATED MODULE: ./src/docker/owner-mark.ts
// The names of the mark a run puts on the builder it creates, so that it only ever removes
// its own (the teardown compares it with the run's). Each driver carries it its own way
// (drivers/<name>/owner.ts): docker-container as an environment variable of the daemon's
// container, kubernetes as a label of the Deployment, remote in its first node's name. buildx
// keeps the driver options in its record of the builder, where the mark is read back without
// starting a process. The names are here, below the driver-opts check
// (docker/driver-opts.ts), which refuses a driver option that would set them. A builder whose
// run said cleanup: false carries a second mark, the kept mark, which a later run with the
// same name reads to reuse it (verify/kept.ts).
/**
 * docker-container: an environment variable of the daemon's container (driver-opt
 * env.<NAME>=<value>, driver/docker-container/factory.go).
 */
const OWNER_ENV = 'BUILDKIT_BUILDER_ACTION_OWNER';
/** kubernetes: the label key of the mark (a prefixed Kubernetes label key; its value is the owner uuid). */
const owner_mark_OWNER_LABEL = 'buildkit-builder-action/owner';
/**
 * docker-container: the environment variable that says the builder is kept (its run said
 * cleanup: false), beside the owner mark; its value is keptValue's.
 */
const KEPT_ENV = 'BUILDKIT_BUILDER_ACTION_KEPT';
/** kubernetes: the label key that says the builder is kept, beside the owner label. */
const KEPT_LABEL = 'buildkit-builder-action/kept';
/**
 * The kept mark's value: what a later run compares that the builder can't tell otherwise, its
 * creator's keep-state (a label value: letters, digits and "-" only).
 */
function keptValue(keepState) {
    return `keep-state-${keepState}`;
}
/** The keep-state a kept mark's value says; undefined for a value keptValue never gives. */
function keepStateOfKept(value) {
    return value === keptValue(true) ? true : value === keptValue(false) ? false : undefined;
}

;// CONCATENATED MODULE: ./src/drivers/docker-container/owner.ts

// The docker-container driver's owner mark: driver-opt env.<OWNER_ENV>=<owner>, an
// environment variable of the daemon's container (driver/docker-container/factory.go), kept
// in buildx's record with the node's driver options. A builder kept with cleanup: false
// carries env.<KEPT_ENV>=<keptValue> beside it, which a later run reads to reuse it. Pure.
/** The driver-opt that carries the mark, alone. */
function envMarkOpt(owner) {
    return `env.${OWNER_ENV}=${owner}`;
}
/** A node's driver-opts with the mark first, and the kept mark (when `kept` is given) next; none when owner is ''. */
function withEnvMark(owner, driverOpts, kept) {
    if (owner === '')
        return [...driverOpts];
    return [envMarkOpt(owner), ...(kept === undefined ? [] : [`env.${KEPT_ENV}=${kept}`]), ...driverOpts];
}
/** The kept mark's value in a node's recorded DriverOpts: undefined when the builder is not kept. */
function keptFromEnvOpt(opts) {
    return opts ? opts[`env.${KEPT_ENV}`] : undefined;
}
/** The mark in a node's recorded DriverOpts: undefined when there is none. */
function ownerFromEnvOpt(opts) {
    return opts ? opts[`env.${OWNER_ENV}`] : undefined;
}
/** A node's recorded driver options as `key=value` lines, without the marks (for outputs, and to compare a kept builder's). */
function withoutEnvMark(opts) {
    const marks = [`env.${OWNER_ENV}`, `env.${KEPT_ENV}`];
    return Object.entries(opts ?? {}).flatMap(([k, v]) => (marks.includes(k) ? [] : [`${k}=${v}`]));
}
/** The owner mark in a builder's record ('' when no node carries one). */
function envMarkOf(rec) {
    return rec.Nodes.map(n => ownerFromEnvOpt(n.DriverOpts)).find(v => v !== undefined) ?? '';
}
/**
 * The mark a daemon's container really carries, from its Config.Env (`NAME=value` lines):
 * '' when it carries none. What buildx's record says may differ: buildx reuses a container of
 * the node's name that another builder created.
 */
function ownerFromEnv(env) {
    const line = (env ?? []).find(l => l.startsWith(`${OWNER_ENV}=`));
    return line === undefined ? '' : line.slice(OWNER_ENV.length + 1);
}

;// CONCATENATED MODULE: ./src/docker/buildx.ts
// buildx's command lines (create, boot, rm, leave) and its naming of the first node. Pure.
// https://github.com/docker/buildx/blob/master/builder/builder.go
// https://github.com/docker/buildx/blob/master/driver/docker-container/driver.go
/** The image buildx's docker-container and kubernetes drivers run without image= (driver/bkimage/bkimage.go DefaultImage). */
const DEFAULT_BUILDKIT_IMAGE = 'moby/buildkit:buildx-stable-1';
/** The kubernetes driver's image with rootless=true and no image= (driver/kubernetes/factory.go: bkimage.DefaultRootlessImage). */
const DEFAULT_ROOTLESS_IMAGE = 'moby/buildkit:buildx-stable-1-rootless';
/** `buildx create --name X` makes one node named X0 (`--node` is not used here). */
function buildx_nodeName(builder) {
    return `${builder}0`;
}
function createArgs(o) {
    const args = ['buildx', 'create', ...(o.append ? ['--append'] : []), ...(o.bootstrap === false ? [] : ['--bootstrap']), '--name', o.name];
    // buildx refuses --driver on --append only when it differs; the builder's own applies anyway.
    if (!o.append)
        args.push('--driver', o.driver);
    if (o.node)
        args.push('--node', o.node);
    args.push('--config', o.configPath);
    for (const opt of o.driverOpts)
        args.push('--driver-opt', opt);
    if (o.buildkitdFlags.length > 0)
        args.push('--buildkitd-flags', joinShellWords(o.buildkitdFlags));
    if (o.platforms && o.platforms.length > 0)
        args.push('--platform', o.platforms.join(','));
    if (o.use && !o.append)
        args.push('--use');
    if (o.endpoint)
        args.push(o.endpoint);
    return args;
}
/**
 * Starts every node of a builder at once (builder.go Boot: one goroutine per node). Its
 * stdout lists the nodes with their copied files: never shown.
 */
function bootArgs(name) {
    return ['buildx', 'inspect', '--bootstrap', name];
}
/**
 * keepDaemon: remove buildx's record only, the daemon (container or Deployment) and its state
 * stay (rm --keep-daemon: driver Rm removes nothing without rmDaemon).
 */
function rmArgs(name, keepState, keepDaemon = false) {
    return ['buildx', 'rm', ...(keepState ? ['--keep-state'] : []), ...(keepDaemon ? ['--keep-daemon'] : []), name];
}
/**
 * Detaches a node from buildx's record of a builder, its daemon untouched (create --leave:
 * builder.go Leave edits the record only; store/nodegroup.go Leave refuses the last node).
 */
function leaveArgs(builder, node) {
    return ['buildx', 'create', '--leave', '--name', builder, '--node', node];
}
/** The inverse of buildx's shlex split of --buildkitd-flags. */
function joinShellWords(words) {
    return words.map(w => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

;// CONCATENATED MODULE: ./src/docker/buildx-record.ts


// buildx's own files: its configuration directory, buildkitd.default.toml and its record of each
// builder (store/store.go), read without starting a process and never printed. Pure.
/**
 * Where buildx keeps a builder's record: $BUILDX_CONFIG, else the buildx directory beside the
 * docker CLI's config ($DOCKER_CONFIG or ~/.docker), then instances/<name in lower case>
 * (util/confutil/config.go NewConfig; store/store.go). It holds every copied file too, keys
 * included: read it silently, never print it.
 */
function instancePath(name, env, home) {
    return external_node_path_namespaceObject.join(buildxDir(env, home), 'instances', name.toLowerCase());
}
/** buildx's configuration directory (util/confutil/config.go NewConfig). */
function buildxDir(env, home) {
    return env.BUILDX_CONFIG || external_node_path_namespaceObject.join(env.DOCKER_CONFIG || external_node_path_namespaceObject.join(home, '.docker'), 'buildx');
}
/**
 * The BuildKit config buildx applies to new builders given no --config (buildx >= 0.9:
 * util/confutil/config.go BuildKitConfigFile, used by builder/builder.go Create).
 */
function defaultConfigPath(env, home) {
    return external_node_path_namespaceObject.join(buildxDir(env, home), 'buildkitd.default.toml');
}
/** The nodes of a builder's record. */
function recordedNodes(instanceJson) {
    const rec = JSON.parse(instanceJson);
    return (rec.Nodes ?? []).map(n => ({
        Name: n.Name,
        Endpoint: n.Endpoint,
        DriverOpts: n.DriverOpts,
        Flags: n.Flags,
        Platforms: n.Platforms
    }));
}
/** `os/architecture[/variant]`, as --platform is written. */
function platformText(p) {
    return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/');
}
/** Each node's files, by the nodes' order (JSON encodes Go's []byte as base64). */
function buildx_record_recordedFiles(instanceJson) {
    const rec = JSON.parse(instanceJson);
    return (rec.Nodes ?? []).map(n => {
        const out = { sha256: new Map() };
        for (const [name, b64] of Object.entries(n.Files ?? {})) {
            const content = Buffer.from(b64, 'base64');
            if (name === CONFIG_FILE_NAME)
                out.config = content.toString('utf8');
            else
                out.sha256.set(name, createHash('sha256').update(content).digest('hex'));
        }
        return out;
    });
}
/** The config's name among a node's files (container.go: m["buildkitd.toml"]). */
const CONFIG_FILE_NAME = 'buildkitd.toml';
/** A builder's record from its file's text; never printed (its nodes' Files hold keys). */
function buildx_record_parseBuilderRecord(instanceJson) {
    const rec = JSON.parse(instanceJson);
    return { Driver: rec.Driver ?? '', Name: rec.Name ?? '', Nodes: recordedNodes(instanceJson) };
}
/** A node's recorded driver options as `key=value` lines, as they were given. */
function optionLines(opts) {
    return Object.entries(opts ?? {}).map(([k, v]) => `${k}=${v}`);
}

;// CONCATENATED MODULE: ./src/config/paths.ts


// Where buildx puts the config and certificates inside the builder (util/confutil/container.go),
// and the file names this action gives them on the runner. Pure.
const CONTAINER_CONFIG_DIR = '/etc/buildkit';
const CONTAINER_CONFIG_FILE = `${CONTAINER_CONFIG_DIR}/buildkitd.toml`;
/**
 * buildx copies each `ca`/`keypair` file of [registry."<host>"] into
 * /etc/buildkit/certs/<host with every run of [^a-zA-Z0-9.-] replaced by _>/<base name>
 * and rewrites the path in the config it copies
 * (https://github.com/docker/buildx/blob/master/util/confutil/container.go). Two files with
 * one base name overwrite each other, and `a:1` and `a_1` share a directory.
 */
function containerCertDir(registry) {
    return `${CONTAINER_CONFIG_DIR}/certs/${registry.replace(/[^a-zA-Z0-9.-]+/g, '_')}`;
}
function containerCertPath(registry, hostPath) {
    return `${containerCertDir(registry)}/${path.basename(hostPath)}`;
}
/**
 * Base names for one registry's files that no other registry's can take, even when two
 * registries share a certs directory in the container: a short hash of the exact name.
 */
function certBaseName(registry, kind, index) {
    const h = createHash('sha256').update(registry).digest('hex').slice(0, 8);
    const ext = { ca: 'pem', cert: 'crt', key: 'key' }[kind];
    return `${kind === 'ca' ? 'ca' : 'client'}-${h}-${index}.${ext}`;
}

;// CONCATENATED MODULE: ./src/buildkit/read-back.ts


// What verification reads next to a daemon (a builder container, a kubernetes pod): one exec
// of READ_BACK_SCRIPT reads the config, hashes the copied files and asks the daemon for its
// workers; each part ends with a marker and its exit code, so one failing part does not hide
// the others (the markers keep the name @@observe, which the captured kubernetes fixtures
// hold). Pure apart from the script's text: the drivers run it.
const READ_BACK_SCRIPT = `
cat ${CONTAINER_CONFIG_FILE}; echo "@@observe config $?"
if [ $# -gt 0 ]; then sha256sum "$@"; echo "@@observe sha256 $?"; else echo "@@observe sha256 0"; fi
buildctl debug workers --format '{{json .}}'; echo "@@observe workers $?"
`;
/** The script's output split at its markers: part → text and exit code. */
function splitReadBackOutput(stdout) {
    const parts = new Map();
    let rest = stdout;
    for (const part of ['config', 'sha256', 'workers']) {
        const m = new RegExp(`^@@observe ${part} (\\d+)$`, 'm').exec(rest);
        if (!m)
            break;
        parts.set(part, { text: rest.slice(0, m.index), rc: Number(m[1]) });
        rest = rest.slice(m.index + m[0].length + 1);
    }
    return parts;
}
/**
 * The exec's result and the daemon's arguments (or why they could not be read) as
 * verification reads them; `where` names the place in messages ("the builder", "the pod").
 */
function parseReadBack(exec, args, files, where) {
    const parts = splitReadBackOutput(exec.stdout);
    const why = (what) => `${what} failed (exit code ${exec.exitCode}): ${lastLine(exec.stderr || exec.stdout)}`;
    const workers = parts.get('workers');
    const config = parts.get('config');
    const sums = parts.get('sha256');
    return {
        workers: workers && workers.rc === 0 ? { text: workers.text } : { error: why('asking the daemon for its workers (buildctl debug workers)') },
        readBack: 'error' in args
            ? args
            : !config || config.rc !== 0
                ? { error: why(`reading ${CONTAINER_CONFIG_FILE} from ${where}`) }
                : {
                    configText: config.text,
                    cmd: args.cmd,
                    // sha256sum exits non-zero when a file is missing; what it printed still counts.
                    sha256Text: files.length > 0 ? sums?.text : undefined
                }
    };
}

;// CONCATENATED MODULE: ./src/docker/buildx-plugin.ts


// The buildx binary the docker CLI would run for `docker buildx …`, so that the action can
// run it itself: `docker buildx X` starts the docker CLI, which asks the plugin for its
// metadata and then starts it again for the command (measured here: 180-240 ms for `docker buildx version`,
// 70-100 ms for the plugin run directly). buildx run directly is buildx standalone, which
// reads the same DOCKER_CONFIG, contexts and builder store.
// The CLI's search order (docker/cli cli-plugins/manager getPluginDirs): config.json's
// cliPluginsExtraDirs, then <config dir>/cli-plugins, then the system directories.
const SYSTEM_PLUGIN_DIRS = [
    '/usr/local/lib/docker/cli-plugins',
    '/usr/local/libexec/docker/cli-plugins',
    '/usr/lib/docker/cli-plugins',
    '/usr/libexec/docker/cli-plugins'
];
function pluginDirs(env, home) {
    const configDir = env.DOCKER_CONFIG || external_node_path_namespaceObject.join(home, '.docker');
    let extra = [];
    try {
        const config = JSON.parse(external_node_fs_namespaceObject.readFileSync(external_node_path_namespaceObject.join(configDir, 'config.json'), 'utf8'));
        if (Array.isArray(config.cliPluginsExtraDirs))
            extra = config.cliPluginsExtraDirs.filter((d) => typeof d === 'string');
    }
    catch {
        // No config.json, or not JSON: the CLI then has no extra directories either.
    }
    return [...extra, external_node_path_namespaceObject.join(configDir, 'cli-plugins'), ...SYSTEM_PLUGIN_DIRS];
}
/** `dir/name` when it is an executable file; undefined otherwise (not there, or not executable: the CLI and a shell skip it). */
function executable(dir, name) {
    const file = external_node_path_namespaceObject.join(dir, name);
    try {
        external_node_fs_namespaceObject.accessSync(file, external_node_fs_namespaceObject.constants.X_OK);
        return external_node_fs_namespaceObject.statSync(file).isFile() ? file : undefined;
    }
    catch {
        return undefined;
    }
}
/** The first executable docker-buildx in the CLI's order; undefined: leave it to `docker buildx`. */
function buildxPlugin(env, home) {
    if (process.platform === 'win32')
        return undefined;
    for (const dir of pluginDirs(env, home)) {
        const file = executable(dir, 'docker-buildx');
        if (file)
            return file;
    }
    return undefined;
}
/** The first executable `name` in PATH's directories, as a shell finds it (`name.exe` on Windows); undefined when there is none. */
function onPath(name, env, platform = process.platform) {
    const file = platform === 'win32' ? `${name}.exe` : name;
    for (const dir of (env.PATH ?? '').split(external_node_path_namespaceObject.delimiter)) {
        const found = dir === '' ? undefined : executable(dir, file);
        if (found)
            return found;
    }
    return undefined;
}
/**
 * How buildx is run, as docker/actions-toolkit decides it (buildx/buildx.ts isStandalone:
 * standalone when `docker` is not on PATH, and then `buildx` from PATH): with a docker
 * CLI, its plugin run directly where it can be found (above), else `docker buildx`; without
 * one, `buildx` on PATH, which later steps (docker/build-push-action) run too, or else a
 * plugin binary in the CLI's directories (it is the same program). A runner inside
 * Kubernetes without docker-in-docker has no docker CLI: the kubernetes and remote drivers
 * need none.
 */
function buildxCommand(env, home, findPlugin = buildxPlugin) {
    if (onPath('docker', env) === undefined) {
        return { command: onPath('buildx', env) ?? findPlugin(env, home) ?? 'buildx', prefix: [], standalone: true };
    }
    const plugin = findPlugin(env, home);
    return plugin ? { command: plugin, prefix: [], standalone: false } : { command: 'docker', prefix: ['buildx'], standalone: false };
}

;// CONCATENATED MODULE: ./src/docker/contexts.ts


// Which docker context the docker CLI uses, and whether its default context takes TLS from the
// environment, read as the CLI reads them, without starting it. Pure but for config.json.
// https://github.com/docker/cli/blob/master/cli/command/cli.go (resolveContextName, resolveDefaultDockerEndpoint)
// https://github.com/docker/cli/blob/master/cli/flags/options.go (DOCKER_TLS, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)
/**
 * The docker CLI's current context without --context or --host: "default" when DOCKER_HOST is
 * set, else DOCKER_CONTEXT, else config.json's currentContext, else "default".
 */
function currentContextName(env, home) {
    if (env.DOCKER_HOST)
        return 'default';
    if (env.DOCKER_CONTEXT)
        return env.DOCKER_CONTEXT;
    try {
        const config = JSON.parse(external_node_fs_namespaceObject.readFileSync(external_node_path_namespaceObject.join(env.DOCKER_CONFIG || external_node_path_namespaceObject.join(home, '.docker'), 'config.json'), 'utf8'));
        return config.currentContext || 'default';
    }
    catch {
        return 'default';
    }
}
/**
 * Whether the CLI's default context speaks TLS, as the environment says: DOCKER_TLS or
 * DOCKER_TLS_VERIFY set to anything (even "0": options.go only asks whether it is empty).
 * Its files then come from DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem; the config directory
 * when unset), and with no DOCKER_HOST its host is tcp://localhost:2376, not the local socket
 * (opts/hosts.go ParseHost, defaultTLSHost).
 */
function contexts_tlsFromEnvironment(env) {
    return Boolean(env.DOCKER_TLS) || Boolean(env.DOCKER_TLS_VERIFY);
}
/**
 * Whether the CLI's current context is the default one with TLS from the environment. buildx
 * refuses to create a builder there ("could not create a builder instance with TLS data loaded
 * from environment", builder/builder.go Create): it records the default context by its host
 * alone, and the TLS settings would be lost. A docker context holds them.
 */
function contexts_defaultContextWithTls(env, home) {
    return contexts_tlsFromEnvironment(env) && currentContextName(env, home) === 'default';
}
/** The name of this run's docker context of the TLS environment: unique (the run's owner mark), and the action's. */
function contexts_tlsContextName(owner) {
    return `buildkit-builder-action-tls-${owner}`;
}

;// CONCATENATED MODULE: ./src/docker/engine-api.ts


// The Docker Engine API over its local socket, for the reads verification and the CNI image
// check make: asking the engine without starting a docker CLI process (each CLI start is
// most of a docker command's time). Only where the docker CLI would itself talk to a local
// socket: the default context (or a unix:// DOCKER_HOST) and nodes whose endpoint is a
// unix:// host. Other contexts and ssh/tcp hosts keep the CLI, which knows their TLS and SSH
// settings.
// https://docs.docker.com/reference/api/engine/ (unversioned paths: the engine's own version)
/**
 * The socket the docker CLI would use for `docker --host/--context <engine args>`, or
 * undefined when it would use something else. The CLI's order: --host/--context, then
 * DOCKER_HOST, DOCKER_CONTEXT, config.json's currentContext, else the default context at
 * unix:///var/run/docker.sock, or at tcp://localhost:2376 when the environment asks for TLS
 * (contexts.ts tlsFromEnvironment).
 */
function localSocket(engine, env, home) {
    const unix = (host) => (host.startsWith('unix://') ? host.slice('unix://'.length) : undefined);
    const defaultSocket = contexts_tlsFromEnvironment(env) ? undefined : '/var/run/docker.sock';
    if (engine[0] === '--host')
        return unix(engine[1] ?? '');
    if (engine[0] === '--context')
        return engine[1] === 'default' && !env.DOCKER_HOST ? defaultSocket : undefined;
    if (env.DOCKER_HOST)
        return unix(env.DOCKER_HOST);
    return currentContextName(env, home) === 'default' ? defaultSocket : undefined;
}
function request(socket, method, url, body) {
    // Loaded with the first request, not with the bundle (~3 ms of a step's start).
    const http = process.getBuiltinModule('node:http');
    return new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : JSON.stringify(body);
        const req = http.request({ socketPath: socket, method, path: url, headers: { Host: 'docker', ...(data ? { 'Content-Type': 'application/json' } : {}) } }, res => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
            res.on('error', reject);
        });
        req.on('error', reject);
        req.end(data);
    });
}
/** The engine's error message ({"message": …}), or the status. */
function problem(a) {
    try {
        return JSON.parse(a.body.toString('utf8')).message ?? `HTTP ${a.status}`;
    }
    catch {
        return `HTTP ${a.status}`;
    }
}
async function json(socket, method, url, body) {
    const a = await request(socket, method, url, body);
    if (a.status < 200 || a.status >= 300)
        throw new Error(problem(a));
    return JSON.parse(a.body.toString('utf8'));
}
/** GET `url` as JSON; undefined when the engine has no such object (404). */
async function found(socket, url) {
    const a = await request(socket, 'GET', url);
    if (a.status === 404)
        return undefined;
    if (a.status !== 200)
        throw new Error(problem(a));
    return JSON.parse(a.body.toString('utf8'));
}
/** An answer to a stop or a removal: done, or there was nothing to do (404); else the engine's error, for `what`. */
function doneOrGone(a, what) {
    if (a.status >= 400 && a.status !== 404)
        throw new Error(`${what}: ${problem(a)}`);
}
/** GET /version: the engine's version. */
async function engine_api_engineVersion(socket) {
    return (await json(socket, 'GET', '/version')).Version;
}
/** GET /images/{ref}/json: the image's ID, or undefined when the engine has no such image. */
async function imageId(socket, ref) {
    return (await found(socket, `/images/${encodeURIComponent(ref)}/json`))?.Id;
}
/** GET /containers/{name}/json: the container's command (the daemon's arguments). */
async function containerCmd(socket, container) {
    const c = await json(socket, 'GET', `/containers/${encodeURIComponent(container)}/json`);
    return c.Config?.Cmd ?? [];
}
/** GET /containers/{name}/json: the container's environment, or undefined when there is no such container. */
async function containerEnv(socket, container) {
    const c = await found(socket, `/containers/${encodeURIComponent(container)}/json`);
    return c === undefined ? undefined : (c.Config?.Env ?? []);
}
/** GET /containers/{name}/json: whether the container runs (and is not restarting); false when there is none. */
async function containerRunning(socket, container) {
    const c = await found(socket, `/containers/${encodeURIComponent(container)}/json`);
    return c?.State?.Running === true && c.State.Restarting !== true;
}
/**
 * Removes a container and, unless `keepVolume`, the named volume given, as buildx's
 * docker-container driver does for `buildx rm` (driver.go Stop then Rm: ContainerStop,
 * ContainerRemove with RemoveVolumes and Force, then VolumeRemove of <container>_state). With
 * the volume going too, the daemon is killed (DELETE ?force=1) instead of stopped first:
 * nothing of its state is kept, so its graceful shutdown (SIGTERM, then waiting for it) buys
 * nothing. With the volume kept, it is stopped first as buildx stops it, so that the state it
 * keeps was closed cleanly. A container or volume that is not there counts as removed.
 */
async function removeDaemonContainer(socket, container, volume, keepVolume) {
    const c = encodeURIComponent(container);
    if (keepVolume)
        doneOrGone(await request(socket, 'POST', `/containers/${c}/stop`), `stopping container ${container}`);
    doneOrGone(await request(socket, 'DELETE', `/containers/${c}?force=1&v=1`), `removing container ${container}`);
    if (!keepVolume)
        doneOrGone(await request(socket, 'DELETE', `/volumes/${encodeURIComponent(volume)}`), `removing volume ${volume}`);
}
/**
 * Runs a command in a container (POST exec, start, then its exit code), as `docker exec`
 * does. Without a TTY the engine multiplexes stdout and stderr in frames: a byte for the
 * stream, three zero bytes, a big-endian 32-bit length, then the payload.
 */
async function execIn(socket, container, cmd) {
    const { Id } = await json(socket, 'POST', `/containers/${encodeURIComponent(container)}/exec`, {
        AttachStdout: true,
        AttachStderr: true,
        Cmd: cmd
    });
    const started = await request(socket, 'POST', `/exec/${Id}/start`, { Detach: false, Tty: false });
    if (started.status !== 200)
        throw new Error(problem(started));
    const out = [];
    const err = [];
    const b = started.body;
    for (let i = 0; i + 8 <= b.length;) {
        const size = b.readUInt32BE(i + 4);
        const payload = b.subarray(i + 8, i + 8 + size);
        if (b[i] === 2)
            err.push(payload);
        else
            out.push(payload);
        i += 8 + size;
    }
    const { ExitCode } = await json(socket, 'GET', `/exec/${Id}/json`);
    return { exitCode: ExitCode ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
/**
 * Which of `paths` an image lacks, without running it: a container is created (never
 * started), each path is stat'ed with HEAD /containers/{id}/archive (no content sent), and the
 * container is removed. `docker run --rm … ls` costs a container start (~430 ms here).
 */
async function engine_api_missingInImage(socket, image, paths) {
    const name = `buildkit-builder-action-probe-${randomUUID()}`;
    // Cmd: an image without entrypoint or command can't be created otherwise; it never runs.
    const { Id } = await json(socket, 'POST', `/containers/create?name=${name}`, {
        Image: image,
        Cmd: ['true'],
        NetworkDisabled: true,
        HostConfig: { NetworkMode: 'none' }
    });
    try {
        const answers = await Promise.all(paths.map(p => request(socket, 'HEAD', `/containers/${Id}/archive?path=${encodeURIComponent(p)}`)));
        const odd = answers.find(a => a.status !== 200 && a.status !== 404);
        if (odd)
            throw new Error(`asking ${image} for ${paths.join(', ')}: ${problem(odd)}`);
        return paths.filter((_p, i) => answers[i].status === 404);
    }
    finally {
        await request(socket, 'DELETE', `/containers/${Id}?force=1&v=1`);
    }
}

;// CONCATENATED MODULE: ./src/buildkit/resolve.ts
// How a daemon is asked to resolve image references (verify-pull, check-registries): a
// buildctl script run next to it, and its output split per reference. Pure.
const RESOLVE_TIMEOUT_SECONDS = 30;
/**
 * The shell script run in the builder: one `buildctl build` per reference, each a
 * Dockerfile `FROM <ref>` with the outline subrequest (manifest and config, no layers),
 * each with a time limit. References come as arguments, never as script text. buildctl
 * records a build history entry per build (solver/llbsolver/solver.go recordBuildHistory:
 * every non-internal Solve); `--ref-file` gives its ref and `buildctl debug ctl --delete`
 * removes it, so a later `docker buildx history ls` shows only the user's builds. The
 * directory is removed at the end. Output: a marker line, buildctl's stderr, a marker with
 * its exit code and how many seconds it took, per reference. buildctl catches the SIGTERM
 * of `timeout` (util/appcontext) and exits 1 after writing its ref file, so a time-out is
 * told by the time taken, not only by the exit code.
 */
const RESOLVE_SCRIPT = `
d=$(mktemp -d /tmp/buildkit-builder-prove.XXXXXX) || exit 90
trap 'rm -rf "$d"' EXIT
i=0
for ref in "$@"; do
  i=$((i+1))
  mkdir "$d/$i" || exit 91
  printf 'FROM %s\\n' "$ref" >"$d/$i/Dockerfile"
  t0=$(date +%s)
  timeout ${RESOLVE_TIMEOUT_SECONDS} buildctl build --progress plain --frontend dockerfile.v0 \\
    --local context="$d/$i" --local dockerfile="$d/$i" --opt requestid=frontend.outline \\
    --ref-file "$d/$i/ref" >/dev/null 2>"$d/$i/err"
  rc=$?
  t1=$(date +%s)
  if [ -s "$d/$i/ref" ]; then buildctl debug ctl --delete "$(cat "$d/$i/ref")" >/dev/null 2>&1; fi
  echo "@@resolve-begin $i"
  tail -n 40 "$d/$i/err"
  echo "@@resolve-end $i $rc $((t1 - t0))"
done
`;
/** Splits the script's output into one Resolution per reference (undefined: never run). */
function parseResolveOutput(stdout, count) {
    const out = Array.from({ length: count }, () => undefined);
    const re = /^@@resolve-begin (\d+)\n([\s\S]*?)^@@resolve-end \1 (\d+)(?: (\d+))?$/gm;
    for (const m of stdout.matchAll(re)) {
        const i = Number(m[1]) - 1;
        const exitCode = Number(m[3]);
        // A killed buildctl exits 143 (busybox timeout) or 124 (coreutils); one that caught the
        // signal exits 1 at the time limit.
        const seconds = m[4] === undefined ? 0 : Number(m[4]);
        const timedOut = exitCode !== 0 && ([124, 137, 143].includes(exitCode) || seconds >= RESOLVE_TIMEOUT_SECONDS);
        if (i >= 0 && i < count)
            out[i] = { exitCode, stderr: m[2], timedOut };
    }
    return out;
}
// ---------------------------------------------------------------------------------------
// Hosts

;// CONCATENATED MODULE: ./src/docker/cli.ts










// Operations on Docker and the builder, each one command through the exec seam (or one Engine
// API request). `docker buildx inspect` and `buildx ls` print every file copied into the
// builder, private keys included (see __tests__/fixtures/buildkit/README.md): inspect is run
// only for drivers that copy none (remote, docker), captured and never printed; ls never.
/** The local socket the docker CLI would use for these engine flags (none: the current context), if any. */
const engineSocket = (engine = []) => localSocket(engine, process.env, external_node_os_namespaceObject.homedir());
async function toolVersions(askEngine = true) {
    // At once: neither depends on the other. The engine is asked on its socket where the CLI
    // would use a local one (no process); buildx is a CLI plugin and has to be started.
    // buildx first: its start (a Go binary of tens of MB) is the longer wait, and loading
    // node:http for the engine's request would otherwise delay its spawn by ~10 ms.
    // No buildx to start (standalone, none on PATH) is no buildx: one is installed.
    const buildx = runBuildx(['buildx', 'version']).catch(() => ({ exitCode: 127, stdout: '', stderr: '' }));
    const socket = engineSocket();
    const [docker, buildxRun] = await Promise.all([
        askEngine
            ? (socket ? engineVersion(socket).catch(() => undefined) : Promise.resolve(undefined)).then(async (v) => v ??
                (await runChecked('docker version (is the Docker engine running?)', 'docker', ['version', '--format', '{{.Server.Version}}']))
                    .stdout)
            : Promise.resolve(undefined),
        buildx
    ]);
    return {
        docker: docker?.trim(),
        buildx: buildxRun.exitCode === 0 ? buildxRun.stdout.trim() : undefined,
        standalone: buildxRunner().standalone
    };
}
/** `docker buildx version` (or `buildx version` standalone): which buildx the job runs. */
async function buildxVersion() {
    const b = buildxArgv(['buildx', 'version']);
    return (await runChecked('buildx version', b.command, b.args)).stdout.trim();
}
/** The docker CLI's current context: the name of the docker driver's builder. */
async function currentContext() {
    return (await exec_runChecked('docker context show', 'docker', ['context', 'show'])).stdout.trim();
}
/**
 * `docker context create --from default NAME`: a copy of the default context as the CLI
 * resolves it from DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, its TLS files copied
 * into the context store, so buildx can be given it by name (context/create.go
 * createFromExistingContext). Nothing of it is printed but the CLI's error.
 */
async function copyDefaultContext(name, description) {
    await runChecked(`docker context create ${name}`, 'docker', [
        'context',
        'create',
        '--from',
        'default',
        '--description',
        description,
        name
    ]);
}
/** `docker context rm --force NAME`: no error when there is no such context (remove.go doRemove). */
async function removeContext(name) {
    await exec_runChecked(`docker context rm ${name}`, 'docker', ['context', 'rm', '--force', name]);
}
/**
 * `docker buildx inspect --bootstrap NAME`, captured and never shown: for a docker-container
 * builder it lists every copied file, keys included. Only drivers that copy none parse it.
 */
async function inspectBuilder(name) {
    return runBuildx(['buildx', 'inspect', '--bootstrap', name]);
}
async function useBuilder(name) {
    const res = await runBuildx(['buildx', 'use', name], { show: true });
    if (res.exitCode !== 0)
        throw new Error(`docker buildx use ${name} failed (exit code ${res.exitCode}): ${lastLine(res.stderr || res.stdout)}`);
}
/**
 * Who made builder `name`: its owner mark as the driver reads it from buildx's record ('' for
 * a builder without one), or undefined when buildx has no such builder. Read without
 * starting a process.
 */
function builderOwner(name, markOf) {
    const text = builderRecord(name);
    return text === undefined ? undefined : markOf(buildx_record_parseBuilderRecord(text));
}
/** buildx's record of builder `name` with its nodes' files as recordedFiles sees them; undefined when there is none. */
function builderRecordOf(name) {
    const text = builderRecord(name);
    return text === undefined ? undefined : { ...parseBuilderRecord(text), files: recordedFiles(text) };
}
/** The nodes buildx records for builder `name` ([] when there is none). */
function builderNodes(name) {
    const text = builderRecord(name);
    return text === undefined ? [] : recordedNodes(text);
}
/** buildx's record of a builder, as text (it holds copied files: never print it). */
function builderRecord(name) {
    try {
        return external_node_fs_namespaceObject.readFileSync(instancePath(name, process.env, external_node_os_namespaceObject.homedir()), 'utf8');
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return undefined;
        throw new Error(`can't read buildx's record of builder ${name}: ${err.message}`, { cause: err });
    }
}
/** How buildx is started now (buildx-plugin.ts buildxCommand): PATH is read each time, a standalone install changes it. */
function buildxRunner() {
    return buildxCommand(process.env, external_node_os_namespaceObject.homedir());
}
/**
 * A buildx command line (args start with 'buildx') as a program and its arguments: the plugin
 * binary run directly where it can be found as the docker CLI finds it, else `docker
 * buildx`, or buildx standalone when there is no docker CLI (buildx-plugin.ts).
 */
function buildxArgv(args) {
    const b = buildxRunner();
    return { command: b.command, args: [...b.prefix, ...args.slice(1)] };
}
/** Runs a buildx command line (args start with 'buildx'), as buildxArgv starts it. */
function runBuildx(args, options = {}) {
    const b = buildxArgv(args);
    return exec_run(b.command, b.args, options);
}
async function createBuilder(args) {
    const res = await runBuildx(args, { show: true });
    if (res.exitCode !== 0)
        throw new Error(`docker buildx create failed (exit code ${res.exitCode}): ${lastLine(res.stderr || res.stdout)}`);
}
/** Starts every node of a builder. Its stdout holds the nodes' files: dropped unread; stderr is the boot's progress. */
async function bootBuilder(args) {
    log_info(`$ docker ${args.join(' ')}`);
    const res = await runBuildx(args);
    for (const l of res.stderr.split('\n'))
        if (l.trim() !== '')
            log_info(l);
    if (res.exitCode !== 0)
        throw new Error(`docker ${args.slice(0, 3).join(' ')} failed (exit code ${res.exitCode}): ${lastLine(res.stderr)}`);
}
async function removeBuilder(args) {
    const res = await runBuildx(args, { show: true });
    return { ok: res.exitCode === 0, message: (res.stderr || res.stdout).trim() };
}
/**
 * Removes a builder whose nodes are daemon containers (docker-container): when every node's
 * engine is on a local socket, each container (and its state volume unless keepState) is
 * removed through the Engine API while `recordArgs` (`buildx rm --keep-daemon`) removes buildx's
 * record, at once: one buildx process that touches no container, instead of one that stops and
 * removes them in turn. buildx v0.29-v0.32 still inspects each node's container with
 * --keep-daemon (commands/rm.go: LoadNodes, then driver Rm with rmDaemon false; newer buildx
 * removes the record only) and may then exit non-zero on a container gone in between, after it
 * has removed the record: so the outcome is read from the record, not from its exit code.
 * Otherwise (a context or an ssh/tcp host: the CLI knows their TLS and SSH settings) it is
 * `fallbackArgs` (`buildx rm`) alone. Throws when a container or volume stays behind.
 */
async function removeDaemonBuilder(builder, nodes, keepState, args) {
    const sockets = nodes.map(n => engineSocket(n.engine));
    if (nodes.length === 0 || sockets.some(s => s === undefined))
        return removeBuilder(args.fallbackArgs);
    const [removed, record] = await Promise.all([
        Promise.allSettled(nodes.map((n, i) => removeDaemonContainer(sockets[i], n.container, n.volume, keepState))),
        runBuildx(args.recordArgs)
    ]);
    const left = removed.flatMap((r, i) => r.status === 'rejected'
        ? [
            `${r.reason.message} (remove it with "docker rm -f ${nodes[i].container}"${keepState ? '' : ` and "docker volume rm ${nodes[i].volume}"`})`
        ]
        : []);
    if (left.length > 0)
        throw new Error(`builder ${builder}: ${left.join('; ')}`);
    if (builderRecord(builder) === undefined) {
        log_info(`${nodes.map(n => n.container).join(', ')} removed through the Engine API${keepState ? ' (state kept)' : ' with the state'}; ` +
            `buildx's record removed with: ${['buildx', ...args.recordArgs.slice(1)].join(' ')}`);
        return { ok: true, message: '' };
    }
    return { ok: false, message: (record.stderr || record.stdout).trim() };
}
/** Detaches a node from a builder's record (buildx.ts leaveArgs); its daemon is untouched. */
async function leaveNode(args) {
    const res = await runBuildx(args, { show: true });
    return { ok: res.exitCode === 0, message: (res.stderr || res.stdout).trim() };
}
async function containerExists(c) {
    return (await exec_run('docker', [...c.engine, 'container', 'inspect', '--format', '{{.Id}}', c.container])).exitCode === 0;
}
/**
 * A container's environment (Config.Env), or undefined when there is no such container: on
 * the engine's socket where the CLI would use a local one, else `docker container inspect`.
 * Throws when the engine can't be asked.
 */
async function cli_containerEnv(c) {
    const socket = engineSocket(c.engine);
    if (socket)
        return containerEnv(socket, c.container);
    const res = await exec_run('docker', [...c.engine, 'container', 'inspect', '--format', '{{json .Config.Env}}', c.container]);
    if (res.exitCode === 0)
        return JSON.parse(res.stdout) ?? [];
    if (/no such container/i.test(res.stderr))
        return undefined;
    throw new Error(`docker container inspect ${c.container} failed (exit code ${res.exitCode}): ${lastLine(res.stderr)}`);
}
/**
 * Whether a container runs (and is not restarting): on the engine's socket where the CLI would
 * use a local one, else `docker container inspect`; false when there is none.
 */
async function cli_containerRunning(c) {
    const socket = engineSocket(c.engine);
    if (socket)
        return containerRunning(socket, c.container);
    const res = await exec_run('docker', [
        ...c.engine,
        'container',
        'inspect',
        '--format',
        '{{.State.Running}} {{.State.Restarting}}',
        c.container
    ]);
    return res.exitCode === 0 && res.stdout.trim() === 'true false';
}
/** The daemon's last log lines (stdout and stderr), for failure reports. */
async function daemonLogTail(c, lines = 30) {
    const res = await exec_run('docker', [...c.engine, 'logs', '--tail', String(lines), c.container]);
    return `${res.stdout}${res.stderr}`.trim();
}
/**
 * The daemon's answer, the config, the copied files' hashes (one `docker exec`) and the
 * daemon's arguments (`docker inspect`), at once: two processes instead of four in a row.
 */
async function readBackContainer(c, files) {
    const [inspect, exec] = await Promise.all([containerCmdOf(c), cli_execIn(c, ['sh', '-c', READ_BACK_SCRIPT, 'sh', ...files])]);
    const args = inspect.exitCode !== 0
        ? { error: `docker inspect of the builder container failed (exit code ${inspect.exitCode}): ${lastLine(inspect.stderr)}` }
        : { cmd: inspect.cmd };
    return parseReadBack(exec, args, files, 'the builder');
}
/**
 * The daemon's arguments (the container's command): on the engine's socket where the CLI
 * would use a local one, else `docker inspect`.
 */
async function containerCmdOf(c) {
    const socket = engineSocket(c.engine);
    if (socket) {
        try {
            return { exitCode: 0, stderr: '', cmd: await containerCmd(socket, c.container) };
        }
        catch (err) {
            return { exitCode: 1, stderr: err.message, cmd: [] };
        }
    }
    const res = await exec_run('docker', [...c.engine, 'inspect', '--format', '{{json .Config.Cmd}}', c.container]);
    return { exitCode: res.exitCode, stderr: res.stderr, cmd: res.exitCode === 0 ? (JSON.parse(res.stdout) ?? []) : [] };
}
/** A command in a container: through the engine's socket where possible, else `docker exec`. */
async function cli_execIn(c, cmd) {
    const socket = engineSocket(c.engine);
    if (socket) {
        try {
            return await execIn(socket, c.container, cmd);
        }
        catch (err) {
            return { exitCode: 1, stdout: '', stderr: err.message };
        }
    }
    return exec_run('docker', [...c.engine, 'exec', c.container, ...cmd]);
}
/** The image's ID, or undefined when it is not present on the engine (asked on its socket where it can be). */
async function cli_imageId(ref) {
    const socket = engineSocket();
    if (socket)
        return apiImageId(socket, ref);
    const res = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref]);
    return res.exitCode === 0 ? res.stdout.trim() : undefined;
}
/** The image's ID, pulling it first when it is not present. */
async function ensureImage(ref) {
    const present = await cli_imageId(ref);
    if (present)
        return present;
    await runChecked(`pulling ${ref} (not present on the runner)`, 'docker', ['pull', ref], { show: true });
    const pulled = await cli_imageId(ref);
    if (!pulled)
        throw new Error(`${ref} was pulled but can't be inspected`);
    return pulled;
}
/**
 * Pulls an image on an engine (the docker CLI's flags that reach it; [] for the runner's) as
 * buildx's docker-container driver has it pulled, credentials from docker login included;
 * returns the manifest's digest the engine reports ("Digest: sha256:…"). Throws with the
 * engine's error.
 */
async function pullImage(engine, ref) {
    const res = await exec_run('docker', [...engine, 'pull', ref]);
    if (res.exitCode !== 0)
        throw new Error(lastLine(res.stderr || res.stdout).replace(/^Error response from daemon: /, ''));
    const digest = /^Digest: (\S+)$/m.exec(res.stdout)?.[1];
    if (digest === undefined)
        throw new Error(`docker pull ${ref} printed no digest`);
    return { digest, how: 'pulled' };
}
/**
 * The digest of an image's manifest as its registry serves it, asked from the runner without
 * pulling (`buildx imagetools inspect`, with docker login's credentials): for images a node
 * pulls elsewhere (the kubelet).
 */
async function registryDigest(ref) {
    const res = await runBuildx(['buildx', 'imagetools', 'inspect', '--format', '{{json .Manifest}}', ref]);
    if (res.exitCode !== 0)
        throw new Error(lastLine(res.stderr || res.stdout));
    const digest = JSON.parse(res.stdout).digest;
    if (digest === undefined)
        throw new Error(`buildx imagetools inspect ${ref} printed no digest`);
    return { digest, how: 'found (from the runner; the cluster pulls it)' };
}
/** Builds on the runner's default builder (the engine's own), so the image lands in its store. */
async function buildImage(tag, context) {
    await runChecked(`building ${tag}`, 'docker', ['buildx', 'build', '--builder', 'default', '--tag', tag, context], {
        show: true
    });
}
/**
 * Resolves references through the daemon inside the builder's container, one after the
 * other (RESOLVE_SCRIPT): the daemon's own resolver, with the configuration under test,
 * never the engine's `docker pull`. The output is parsed by buildkit/resolve.ts.
 */
async function resolveInBuilder(c, refs) {
    return exec_run('docker', [...c.engine, 'exec', c.container, 'sh', '-c', RESOLVE_SCRIPT, 'sh', ...refs]);
}
/** The daemon's log since a moment (unix seconds), stdout and stderr together. */
async function daemonLogSince(c, since) {
    const res = await exec_runChecked(`reading the daemon's log of ${c.container}`, 'docker', [
        ...c.engine,
        'logs',
        '--since',
        since.toFixed(3),
        c.container
    ]);
    return `${res.stdout}\n${res.stderr}`;
}
/** `buildkitd --version` of an image (pulled if it is not present), without a network. */
async function buildkitdVersion(image) {
    const res = await runChecked(`asking ${image} for its BuildKit version (buildkitd --version)`, 'docker', [
        'run',
        '--rm',
        '--network',
        'none',
        '--entrypoint',
        'buildkitd',
        image,
        '--version'
    ]);
    return res.stdout;
}
/**
 * The `names` an image lacks in `dir`: on the engine's socket without running the image,
 * else by listing the directory in a container of it (`docker run --rm … ls`).
 */
async function missingInImageDir(image, dir, names) {
    const socket = engineSocket();
    if (socket) {
        const paths = names.map(n => path.posix.join(dir, n));
        const missing = new Set(await missingInImage(socket, image, paths));
        return names.filter((_n, i) => missing.has(paths[i]));
    }
    const res = await run('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'ls', image, '-1', dir]);
    const present = new Set(res.exitCode === 0 ? res.stdout.split('\n').map(l => l.trim()) : []);
    return names.filter(n => !present.has(n));
}
async function tagImage(source, target) {
    await runChecked(`tagging ${target}`, 'docker', ['tag', source, target]);
}
/** Removes a tag (the image stays when another tag names it); no error when it is gone. */
async function removeImageTag(tag) {
    await run('docker', ['image', 'rm', '--no-prune', tag]);
}

;// CONCATENATED MODULE: ./src/inputs/model.ts
/**
 * The daemon flags when buildkitd-flags is empty: docker/setup-buildx-action's default (its
 * README: "--allow-insecure-entitlement security.insecure --allow-insecure-entitlement
 * network.host", replaced when the input is set). buildx alone allows only network.host, so a
 * workflow moving over would otherwise lose RUN --security=insecure.
 */
const DEFAULT_FLAGS = ['--allow-insecure-entitlement', 'security.insecure', '--allow-insecure-entitlement', 'network.host'];

;// CONCATENATED MODULE: ./src/buildkit/daemon-info.ts
// What a BuildKit daemon says of itself: `buildctl debug workers` as JSON, read into its
// version, platforms, workers and network mode. Pure.
/** `buildctl debug workers --format '{{json .}}'`: a JSON array of workers. */
function parseWorkers(json) {
    let data;
    try {
        data = JSON.parse(json);
    }
    catch {
        throw new Error(`buildctl debug workers printed something that is not JSON: ${json.slice(0, 200)}`);
    }
    if (!Array.isArray(data) || data.length === 0) {
        throw new Error('the daemon reports no workers: BuildKit started but can run no build');
    }
    const workers = data;
    const first = workers[0];
    const platforms = [
        ...new Set(workers.flatMap(w => (w.platforms ?? []).map(p => [p.os, p.architecture, p.variant].filter(Boolean).join('/'))))
    ];
    return {
        version: first.buildkitVersion?.version ?? 'unknown',
        platforms,
        network: first.labels?.['org.mobyproject.buildkit.worker.network'],
        workers: workers.length
    };
}

;// CONCATENATED MODULE: ./src/runner/errors.ts
// An error in what the user wrote. The message names the input and, where there is one,
// the line, so the user can find it without reading our code.
class errors_InputError extends Error {
    input;
    line;
    constructor(input, line, detail) {
        super(`input "${input}"${line === undefined ? '' : `, line ${line}`}: ${detail}`);
        this.input = input;
        this.line = line;
        this.name = 'InputError';
    }
}

;// CONCATENATED MODULE: ./src/runner/lines.ts

/** Non-empty lines with their 1-based numbers; `#` starts a comment line. */
function lines_inputLines(text) {
    return text
        .split(/\r?\n/)
        .map((raw, i) => ({ n: i + 1, text: raw.trim() }))
        .filter(l => l.text !== '' && !l.text.startsWith('#'));
}
function parseBool(input, value, fallback) {
    const v = value.trim().toLowerCase();
    if (v === '' && fallback !== undefined)
        return fallback;
    if (v === 'true')
        return true;
    if (v === 'false')
        return false;
    throw new InputError(input, undefined, `"${value}" is not a boolean; expected true or false`);
}
/** Splits text into words as a POSIX shell does (quotes and backslashes; no expansion). */
function lines_splitShellWords(text) {
    const words = [];
    let cur = '';
    let inWord = false;
    let quote;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote === "'") {
            if (c === "'")
                quote = undefined;
            else
                cur += c;
        }
        else if (quote === '"') {
            if (c === '"')
                quote = undefined;
            else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]))
                cur += text[++i];
            else
                cur += c;
        }
        else if (c === "'" || c === '"') {
            quote = c;
            inWord = true;
        }
        else if (c === '\\' && i + 1 < text.length) {
            cur += text[++i];
            inWord = true;
        }
        else if (/\s/.test(c)) {
            if (inWord)
                words.push(cur);
            cur = '';
            inWord = false;
        }
        else {
            cur += c;
            inWord = true;
        }
    }
    if (quote)
        return undefined;
    if (inWord)
        words.push(cur);
    return words;
}

;// CONCATENATED MODULE: ./src/drivers/ownership.ts


const who = (n) => `node ${n.name}${n.label ? ` (${n.label})` : ''}`;
const whose = (o) => o.state === 'taken' && o.owner === '' ? 'it carries no owner mark' : "it carries another run's owner mark";
/**
 * Before create: every node's place must be free. A taken place can't be this run's (its
 * mark is new), and one that can't be read is not assumed free. Returns the refusal, or
 * undefined when every node may be created.
 */
function ownership_refusal(found, owner) {
    const lines = found.flatMap(({ node, occupant: o }) => {
        if (o.state === 'free' || (o.state === 'taken' && owner !== '' && o.owner === owner))
            return [];
        if (o.state === 'unknown')
            return [`${who(node)}: ${node.place} could not be checked: ${o.error}`];
        return [`${who(node)}: ${node.place} already exists and is not this run's (${whose(o)})`];
    });
    if (lines.length === 0)
        return undefined;
    const what = lines.length === 1
        ? `${lines[0]}; buildx would take it over and removing the builder would remove it`
        : `\n- ${lines.join('\n- ')}\nbuildx would take them over and removing the builder would remove them`;
    return (`${what}. Choose another builder name (or leave name empty for a generated one) or another node name in append; ` +
        'remove it yourself only if you know it is not in use');
}
/**
 * Before removal: only nodes whose place is free or carries this run's mark are removed
 * (buildx rm of a node whose container is gone only drops its record). The others are
 * detached from the record (buildx refuses to leave the last node: store/nodegroup.go Leave),
 * or, when none is ours, the record alone is removed.
 */
function removalPlan(found, owner) {
    const foreign = found.filter(({ occupant: o }) => o.state === 'unknown' || (o.state === 'taken' && (owner === '' || o.owner !== owner)));
    const warnings = foreign.map(({ node, occupant: o }) => o.state === 'unknown'
        ? `${who(node)}: ${node.place} could not be checked (${o.error}): left alone, remove it yourself if it is this run's`
        : `${who(node)}: ${node.place} is not this run's (${whose(o)}; another run or builder uses that name): left alone`);
    if (foreign.length === found.length && found.length > 0)
        return { leave: [], keepDaemon: true, warnings };
    return { leave: foreign.map(f => f.node.name), keepDaemon: false, warnings };
}
/**
 * After create: a node whose place does not carry this run's mark was taken over (another
 * run made it between the check and create). Verification fails for it whatever `verify`
 * says: the builder runs someone else's daemon.
 */
function takeovers(found, owner) {
    return found.flatMap(({ node, occupant: o }) => o.state === 'taken' && o.owner !== owner
        ? [`${who(node)}: ${node.place} is not this run's (${whose(o)}): buildx took over another builder's daemon`]
        : []);
}
/**
 * A planned node as buildx will record it, for reading its place before create: its name,
 * endpoint and driver-opts (recordedArgs). undefined when buildx picks the name (kubernetes'
 * first node: generated, nothing can be there yet).
 */
function ownership_plannedRecord(n) {
    if (n.name === undefined)
        return undefined;
    return { Name: n.name, Endpoint: n.endpoint, DriverOpts: recordedArgs(n.createArgs).DriverOpts };
}
/**
 * What buildx records of a node's create arguments: its driver-opts, read as buildx reads
 * them (CSV, the last value of a key wins: builder.go csvToMap), and its daemon flags, split
 * as buildx splits --buildkitd-flags (shlex; before buildx's own addition, builder.go
 * parseBuildkitdFlags).
 */
function recordedArgs(createArgs) {
    const opts = {};
    let flags = [];
    createArgs.forEach((a, i) => {
        if (i + 1 >= createArgs.length)
            return;
        if (a === '--buildkitd-flags')
            flags = splitShellWords(createArgs[i + 1]) ?? [];
        if (a !== '--driver-opt')
            return;
        for (const f of csvFields(createArgs[i + 1])) {
            const eq = f.indexOf('=');
            if (eq > 0)
                opts[f.slice(0, eq)] = f.slice(eq + 1);
        }
    });
    return { DriverOpts: opts, Flags: flags };
}

;// CONCATENATED MODULE: ./src/runner/input-files.ts



// Files that inputs name (buildkitd-config, cni-config; certs.ts reads registry-certs' and
// the remote driver's the same way): an error that names the input, the line and the path,
// and says why in words, never a bare errno.
/** Why a file could not be read, from the error fs gave. */
function fileReason(err) {
    const code = err?.code;
    switch (code) {
        case 'ENOENT':
            return 'does not exist';
        case 'EACCES':
        case 'EPERM':
            return "can't be read: permission denied (the runner's user may not read it, or may not enter a directory on its path)";
        case 'EISDIR':
            return 'is a directory';
        case 'ENOTDIR':
            return 'does not exist: a part of its path is a file, not a directory';
        case 'ELOOP':
            return "can't be read: its path has a loop of symbolic links";
        case 'ENAMETOOLONG':
            return "can't be read: its path is too long";
        default:
            return `can't be read (${code ?? (err instanceof Error ? err.message : String(err))})`;
    }
}
/** A file an input names, as text; an InputError naming input, line and path otherwise. */
function readInputFile(input, line, file) {
    try {
        return fs.readFileSync(path.resolve(file), 'utf8');
    }
    catch (err) {
        throw new InputError(input, line, `file "${file}" ${fileReason(err)}`);
    }
}
/**
 * Where JSON.parse stopped, as line and column, without the text around it: V8's messages
 * quote the start of the input ("Unexpected token 'g', "ghp_…" is not valid JSON"), and a
 * file named by mistake may be a token.
 */
function jsonErrorAt(err, text) {
    const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
    if (/Unexpected end of JSON input/.test(err instanceof Error ? err.message : ''))
        return 'it ends too early';
    if (!m)
        return 'the text where it stopped is not shown: it may be a secret';
    const before = text.slice(0, Number(m[1]));
    const line = before.split('\n').length;
    return `at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

;// CONCATENATED MODULE: ./src/config/certs.ts






// buildx copies at most 1 MiB of each file (io.LimitReader in util/confutil/container.go):
// anything longer would arrive cut off.
const MAX_PEM_BYTES = 1024 * 1024;
const EXPIRY_WARNING_DAYS = 30;
const PEM_BLOCK_RE = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/g;
function pemBlocks(text) {
    return [...text.matchAll(PEM_BLOCK_RE)].map(m => ({ label: m[1], text: m[0] }));
}
/** True when text holds PEM itself rather than a reference to it. */
function looksLikePem(text) {
    return /-----(BEGIN|END) [A-Z0-9 ]+-----/.test(text) || /^[A-Za-z0-9+/]{40,}={0,2}$/.test(text.trim());
}
/**
 * True when a value meant to be a file path or env:NAME is the material itself: PEM, a
 * base64 run (a key pasted as base64 starts LS0t, "---" encoded), or longer than any path
 * (PATH_MAX is 4096). Such a value is refused without being echoed: it may be a private key.
 */
function pastedInsteadOfRef(value) {
    return looksLikePem(value) || /^LS0t/.test(value.trim()) || value.length > 4096;
}
function certs_fail(ref, detail) {
    const at = ref.where ? `${ref.where}: ` : '';
    throw new errors_InputError(ref.input, ref.line, `${at}${ref.kind} ${ref.ref} ${detail}`);
}
/** Reads a file or env:NAME; private key material is registered as a secret at once. */
function readPem(ref, env = process.env) {
    let content;
    if (ref.ref.startsWith('env:')) {
        const name = ref.ref.slice(4);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
            certs_fail(ref, 'does not name a valid environment variable');
        const value = env[name];
        if (value === undefined)
            certs_fail(ref, `is not set; add ${name} to the step's env (e.g. ${name}: \${{ secrets.${name} }})`);
        content = Buffer.from(value, 'utf8');
    }
    else {
        const file = external_node_path_namespaceObject.resolve(ref.ref);
        let st;
        try {
            st = external_node_fs_namespaceObject.statSync(file);
        }
        catch (err) {
            certs_fail(ref, fileReason(err));
        }
        if (!st.isFile())
            certs_fail(ref, 'is not a regular file');
        if (st.size > MAX_PEM_BYTES)
            certs_fail(ref, `is ${st.size} bytes; buildx copies at most ${MAX_PEM_BYTES}`);
        try {
            content = external_node_fs_namespaceObject.readFileSync(file);
        }
        catch (err) {
            certs_fail(ref, fileReason(err)); // EACCES: stat needs no read permission, reading does
        }
    }
    const text = content.toString('utf8');
    if (ref.kind === 'key' || /PRIVATE KEY-----/.test(text))
        addSecret(text);
    if (text.trim() === '')
        certs_fail(ref, 'is empty');
    if (content.length > MAX_PEM_BYTES)
        certs_fail(ref, `is ${content.length} bytes; buildx copies at most ${MAX_PEM_BYTES}`);
    return content;
}
function certInfo(cert) {
    return {
        subject: cert.subject.split('\n').join(', '),
        issuer: cert.issuer.split('\n').join(', '),
        fingerprint: cert.fingerprint256,
        notAfter: new Date(cert.validTo)
    };
}
/** Parses and checks one PEM; returns it loaded, or throws an InputError naming it. */
function loadPem(ref, notes, now, env) {
    const content = readPem(ref, env);
    const blocks = pemBlocks(content.toString('utf8'));
    if (blocks.length === 0)
        certs_fail(ref, 'holds no PEM block (-----BEGIN ...-----)');
    let info;
    if (ref.kind === 'key') {
        const keys = blocks.filter(b => b.label.endsWith('PRIVATE KEY'));
        if (keys.length === 0)
            certs_fail(ref, `holds no private key (found ${blocks.map(b => b.label).join(', ')})`);
        if (keys.length > 1)
            certs_fail(ref, 'holds more than one private key');
        if (keys[0].label === 'ENCRYPTED PRIVATE KEY') {
            certs_fail(ref, 'is encrypted; BuildKit can only use an unencrypted key');
        }
        try {
            (0,external_node_crypto_namespaceObject.createPrivateKey)(keys[0].text);
        }
        catch {
            certs_fail(ref, `is not a valid ${keys[0].label}`);
        }
    }
    else {
        if (blocks.some(b => b.label.endsWith('PRIVATE KEY'))) {
            certs_fail(ref, `holds a private key; a ${ref.kind === 'ca' ? 'CA' : 'certificate'} file must hold certificates only`);
        }
        const certs = blocks.filter(b => b.label === 'CERTIFICATE');
        if (certs.length === 0)
            certs_fail(ref, `holds no certificate (found ${blocks.map(b => b.label).join(', ')})`);
        certs.forEach((b, i) => {
            let cert;
            try {
                cert = new external_node_crypto_namespaceObject.X509Certificate(b.text);
            }
            catch {
                certs_fail(ref, `certificate #${i + 1} can't be parsed`);
            }
            const ci = certInfo(cert);
            if (i === 0)
                info = ci;
            const days = (ci.notAfter.getTime() - now.getTime()) / 86_400_000;
            const which = certs.length > 1 ? ` (certificate #${i + 1}, ${ci.subject})` : ` (${ci.subject})`;
            if (days < 0)
                certs_fail(ref, `expired on ${ci.notAfter.toISOString()}${which}`);
            if (days < EXPIRY_WARNING_DAYS) {
                notes.warnings.push(`${ref.input}${ref.line ? ` line ${ref.line}` : ''}: ${ref.kind} ${ref.ref} ${expiresIn(days)}, on ` +
                    `${ci.notAfter.toISOString()}${which}`);
            }
        });
    }
    return { ...ref, content, sha256: sha256(content), info };
}
/** "expires in 14 days", "expires in 1 day", "expires within a day". */
function expiresIn(days) {
    const n = Math.floor(days);
    return n === 0 ? 'expires within a day' : `expires in ${n} day${n === 1 ? '' : 's'}`;
}
/** Checks that the key belongs to the certificate (the first certificate of the file). */
function checkKeyPair(pair) {
    const cert = new external_node_crypto_namespaceObject.X509Certificate(pemBlocks(pair.cert.content.toString('utf8')).find(b => b.label === 'CERTIFICATE').text);
    let key;
    try {
        key = (0,external_node_crypto_namespaceObject.createPrivateKey)(pemBlocks(pair.key.content.toString('utf8')).find(b => b.label.endsWith('PRIVATE KEY')).text);
    }
    catch {
        return certs_fail(pair.key, 'is not a valid private key');
    }
    if (!cert.checkPrivateKey(key)) {
        certs_fail(pair.key, `does not match certificate ${pair.cert.ref} (${cert.subject.split('\n').join(', ')})`);
    }
}
function sha256(data) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(data).digest('hex');
}
/**
 * Reads and checks every requested PEM, grouped by registry in the order first named.
 * The same CA named twice for one registry is kept once.
 */
function loadRegistryCerts(requests, now = new Date(), env = process.env) {
    const notes = { warnings: [] };
    const byRegistry = new Map();
    // Keys first: every private key is read (and registered as a secret) before any
    // certificate check can fail and print something.
    const keys = new Map();
    for (const r of requests)
        for (const kp of r.keypairs)
            keys.set(kp.key, loadPem(kp.key, notes, now, env));
    for (const r of requests) {
        let set = byRegistry.get(r.registry);
        if (!set) {
            set = { registry: r.registry, cas: [], keypairs: [] };
            byRegistry.set(r.registry, set);
        }
        for (const ref of r.cas) {
            const ca = loadPem(ref, notes, now, env);
            if (!set.cas.some(c => c.sha256 === ca.sha256))
                set.cas.push(ca);
        }
        for (const kp of r.keypairs) {
            const pair = { cert: loadPem(kp.cert, notes, now, env), key: keys.get(kp.key) };
            checkKeyPair(pair);
            set.keypairs.push(pair);
        }
    }
    return { sets: [...byRegistry.values()], warnings: notes.warnings };
}

;// CONCATENATED MODULE: ./src/docker/csv.ts
// buildx reads each --driver-opt as one CSV record (builder/builder.go csvToMap: csvvalue.Fields,
// encoding/csv's rules with its defaults). One reader of that here, for the checks on
// driver-opts (driver-opts.ts), the kubernetes owner label merged into them
// (drivers/kubernetes/owner.ts), the planned record (drivers/ownership.ts) and the remote
// driver's TLS options (drivers/remote/). Pure.
/**
 * One CSV record as Go's encoding/csv reads it with its defaults (Comma ',', no LazyQuotes,
 * no TrimLeadingSpace): a field that starts with " is quoted, "" in it is one ", and its
 * closing " must end the field; a " anywhere else is an error (ErrBareQuote, ErrQuote).
 */
function csvRecord(line) {
    const fields = [];
    let i = 0;
    for (;;) {
        let field = '';
        if (line[i] === '"') {
            i++;
            for (;;) {
                if (i >= line.length)
                    return 'a quoted field is not closed (extraneous or missing " in quoted-field)';
                if (line[i] === '"') {
                    if (line[i + 1] === '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                field += line[i++];
            }
            if (i < line.length && line[i] !== ',')
                return `a quoted field is followed by more than a comma (extraneous or missing " in quoted-field)`;
        }
        else {
            while (i < line.length && line[i] !== ',') {
                if (line[i] === '"')
                    return 'a " is inside a field that does not start with one (bare " in non-quoted-field)';
                field += line[i++];
            }
        }
        fields.push(field);
        if (i >= line.length)
            return fields;
        i++; // the comma
    }
}
/** The fields of a line the input checks let through (a line CSV refuses is one field). */
function csv_csvFields(line) {
    const fields = csvRecord(line);
    return typeof fields === 'string' ? [line] : fields;
}
/** A field written so that csvRecord reads it back as it is. */
function csvQuote(field) {
    return /[",\n\r]/.test(field) || field.startsWith(' ') ? `"${field.replace(/"/g, '""')}"` : field;
}

;// CONCATENATED MODULE: ./src/docker/refs.ts


const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_RE = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
// distribution/reference: NameTotalLengthMax
const NAME_MAX = 255;
const refs_DOCKER_HUB = 'docker.io';
/** Parses and normalises a reference; returns why it is not one otherwise. */
function refs_parseImageRef(value) {
    const v = value.trim();
    const example = 'e.g. alpine:3.20, docker.io/library/alpine:3.20, myregistry.com/team/base:1';
    if (v === '')
        return 'the reference is empty';
    if (/\s/.test(v))
        return `"${v}" holds white space; give one image reference per line (${example})`;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v))
        return `"${v}" has a scheme; an image reference has none (${example})`;
    let rest = v;
    let digest;
    const at = rest.indexOf('@');
    if (at !== -1) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST_RE.test(digest))
            return `"${v}" has digest "${digest}", which is not algorithm:hex (e.g. sha256:<64 hex digits>)`;
    }
    let tag;
    const lastSlash = rest.lastIndexOf('/');
    const colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG_RE.test(tag))
            return `"${v}" has tag "${tag}"; a tag is up to 128 of letters, digits and _.- (not starting with . or -)`;
    }
    if (rest === '')
        return `"${v}" has no image name`;
    // The first component is a registry when it looks like a host: it has a dot or a port,
    // is localhost, or has upper-case letters (distribution/reference splitDockerDomain).
    const slash = rest.indexOf('/');
    const first = slash === -1 ? '' : rest.slice(0, slash);
    let registry = refs_DOCKER_HUB;
    let repository = rest;
    if (slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)) {
        registry = first;
        repository = rest.slice(slash + 1);
        if (!DOMAIN_RE.test(registry))
            return `"${v}" has registry "${registry}", which is not a host[:port]`;
    }
    if (registry === 'index.docker.io')
        registry = refs_DOCKER_HUB;
    if (registry === refs_DOCKER_HUB && !repository.includes('/'))
        repository = `library/${repository}`;
    for (const part of repository.split('/')) {
        if (!PATH_COMPONENT_RE.test(part)) {
            return `"${v}" has "${part}" in its name; a name is lower-case letters and digits, separated by . _ __ - or /`;
        }
    }
    const name = `${registry}/${repository}`;
    if (name.length > NAME_MAX)
        return `"${v}" has a name longer than ${NAME_MAX} characters`;
    const normalised = name + (tag !== undefined ? `:${tag}` : digest === undefined ? ':latest' : '') + (digest ? `@${digest}` : '');
    return { input: v, registry, repository, tag: tag ?? (digest === undefined ? 'latest' : undefined), digest, normalised };
}
/** `verify-pull`: one reference per line; a reference given twice is resolved once. */
function parseVerifyPull(text) {
    const refs = [];
    for (const l of inputLines(text)) {
        const parsed = refs_parseImageRef(l.text);
        if (typeof parsed === 'string')
            throw new InputError('verify-pull', l.n, parsed);
        if (!refs.some(r => r.normalised === parsed.normalised))
            refs.push(parsed);
    }
    return refs;
}
/**
 * A value for messages: quoted as JSON (so a newline or a quote shows as \n, \"), and cut
 * to a length a log line takes, so a paste of junk is not echoed whole.
 */
function quoteShort(value, max = 80) {
    return value.length > max ? `${JSON.stringify(value.slice(0, max))}… (${value.length} characters)` : JSON.stringify(value);
}
/**
 * Why `value` is not an image reference the action may hand on, or undefined. These values
 * go where one character too many does harm: a Dockerfile's FROM and LABEL lines
 * (buildkit-image), a --driver-opt, which buildx reads as CSV (cni-image: a comma adds driver
 * options), and docker pull's arguments (a leading - is an option). So white space, quotes,
 * commas and a leading - are refused before the reference grammar is asked.
 */
function imageRefProblem(value) {
    const v = value.trim();
    const example = 'e.g. moby/buildkit:v0.23.2 or ghcr.io/team/buildkit@sha256:<64 hex digits>';
    if (v === '')
        return 'is empty';
    if (/[\s\p{Cc}]/u.test(v))
        return `${quoteShort(v)} is not an image reference: it holds white space or a control character; give one image reference (${example})`;
    if (/["'`,;\\]/.test(v))
        return `${quoteShort(v)} is not an image reference: it holds a quote, comma, semicolon or backslash, which no image reference has (${example})`;
    if (v.startsWith('-'))
        return `${quoteShort(v)} is not an image reference: it starts with "-"; an image reference starts with a registry or a name (${example})`;
    if (v.length > 512)
        return `${quoteShort(v)} is not an image reference: it is too long`;
    const parsed = refs_parseImageRef(v);
    if (typeof parsed === 'string')
        return parsed;
    if (parsed.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(parsed.digest)) {
        return `${quoteShort(v)} has digest ${quoteShort(parsed.digest)}; give sha256:<64 lower-case hex digits>`;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/docker/driver-opts.ts




// driver-opts as buildx reads them: each --driver-opt is one CSV record (builder/builder.go
// csvToMap: csvvalue.Fields, encoding/csv's rules with its defaults), and every field of it
// is one key=value option (strings.SplitN(v, "=", 2); the last of a key wins). So
// `"network=host"` is the option network=host, and `image=x,network=host` is two options:
// the action reads them the same way before it looks at image= or network=, or lets a line
// through. Pure: text in, fields or a problem out.

const KEY_RE = /^[a-zA-Z][a-zA-Z0-9._-]*$/;
const EXAMPLE = 'e.g. image=moby/buildkit:latest, or "env.A=1,2",network=host';
/** The options of one driver-opts line, or why buildx or this action would not take it. */
function driver_opts_parseDriverOptLine(line) {
    // Never echoed: such a line is (part of) a key or certificate pasted in.
    if (looksLikePem(line))
        return 'holds PEM text; give a file path or env:NAME (e.g. cacert=env:BUILDKIT_CA) instead';
    const fields = csvRecord(line);
    if (typeof fields === 'string')
        return `${quoteShort(line)} is not read by buildx, which takes each line as CSV: ${fields}`;
    const opts = [];
    for (const f of fields) {
        const eq = f.indexOf('=');
        const key = eq === -1 ? f : f.slice(0, eq);
        if (eq === -1 || !KEY_RE.test(key))
            return `${quoteShort(f)} is not key=value (${EXAMPLE})`;
        const value = f.slice(eq + 1);
        if (looksLikePem(value))
            return `${key}= holds PEM text; give a file path or env:NAME instead`;
        const problem = optProblem(key, value);
        if (problem)
            return problem;
        opts.push({ key, value });
    }
    return opts;
}
function optProblem(key, value) {
    // The owner mark is the action's to set (owner-mark.ts, drivers/<name>/owner.ts): with it a builder would pass for another
    // run's, or another run's for this one's, and be removed by the wrong teardown.
    if (key.toLowerCase() === `env.${OWNER_ENV}`.toLowerCase()) {
        return `env.${OWNER_ENV} is the mark this action puts on the builders it creates, to remove only its own; remove it`;
    }
    if (key === 'labels' && value.includes(owner_mark_OWNER_LABEL)) {
        return `labels sets ${owner_mark_OWNER_LABEL}, the mark this action puts on the builders it creates, to remove only its own; remove that label`;
    }
    // The kept mark likewise: with it a builder of any run would pass for a kept one and be reused.
    if (key.toLowerCase() === `env.${KEPT_ENV}`.toLowerCase()) {
        return `env.${KEPT_ENV} is the mark this action puts on a builder kept with cleanup: false, to reuse only such builders; remove it`;
    }
    if (key === 'labels' && value.includes(KEPT_LABEL)) {
        return `labels sets ${KEPT_LABEL}, the mark this action puts on a builder kept with cleanup: false, to reuse only such builders; remove that label`;
    }
    if (key === 'image') {
        const problem = imageRefProblem(value);
        if (problem)
            return `image= ${problem}`;
    }
    return undefined;
}
/** The options of lines already checked (parseDriverOptLine); a line that is not is skipped. */
function driverOptFields(lines) {
    return lines.flatMap(l => {
        const opts = driver_opts_parseDriverOptLine(l);
        return typeof opts === 'string' ? [] : opts;
    });
}
/** The value buildx keeps for a key: the last one given. */
function driver_opts_driverOptValue(lines, key) {
    return driverOptFields(lines)
        .filter(o => o.key === key)
        .pop()?.value;
}

;// CONCATENATED MODULE: ./src/inputs/nodes.ts



// The builder's nodes as the inputs give them: the first node from the top-level inputs
// (driver-opts, buildkitd-flags, endpoint, platforms), more from `append`, a YAML list with
// docker/setup-buildx-action's fields. Pure: text in, NodeSpec[] or an InputError out.
/**
 * The input a node's setting comes from, for messages: the setting's own input for the first
 * node (driver-opts, buildkitd-flags), append for the others ("append (append[1] driver-opts)").
 */
function nodeInput(n, setting) {
    return n.append === undefined ? setting : `append (${n.label} ${setting})`;
}
// buildx store.ValidateName: a letter first, then letters, digits and ._- (lower-cased).
const NODE_NAME_RE = /^[a-zA-Z][a-zA-Z0-9._-]*$/;
// containerd's platform syntax: os/arch[/variant], lower case.
const PLATFORM_RE = /^[a-z0-9_-]+\/[a-z0-9_-]+(\/[a-z0-9_.-]+)?$/;
const FIELDS = (/* unused pure expression or super */ null && (['name', 'endpoint', 'driver-opts', 'buildkitd-flags', 'platforms']));
/** `platforms`: comma-separated (or one per line) os/arch[/variant]. */
function parsePlatforms(input, text) {
    const out = [];
    for (const p of text
        .split(/[,\n]/)
        .map(s => s.trim())
        .filter(s => s !== '')) {
        if (!PLATFORM_RE.test(p)) {
            throw new InputError(input, undefined, `"${p}" is not a platform; write os/arch[/variant], e.g. linux/amd64 or linux/arm/v7`);
        }
        if (!out.includes(p))
            out.push(p);
    }
    return out;
}
/**
 * Why an address's host or user would be read as an option, or undefined. An ssh:// address
 * becomes ssh's arguments (docker's connhelper runs `ssh … -- user@host`; older ones put no
 * `--` before it), so ssh://-oProxyCommand=… would run a command; other clients dial or
 * exec the host part the same way. No host or user name starts with "-".
 */
function optionLike(endpoint) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(endpoint);
    if (!m)
        return undefined;
    const at = m[1].lastIndexOf('@');
    const user = at === -1 ? '' : m[1].slice(0, at);
    const host = m[1].slice(at + 1);
    if (host.startsWith('-') || host.startsWith('[-'))
        return 'its host starts with "-", which ssh and docker would read as an option; give a host name or address';
    if (user.startsWith('-'))
        return 'its user starts with "-", which ssh would read as an option; give a user name';
    return undefined;
}
/**
 * `append`: a YAML list of nodes, each with name, endpoint, driver-opts (a list of strings),
 * buildkitd-flags (one string) and platforms (a comma-separated string), as
 * docker/setup-buildx-action reads them. A node without buildkitd-flags gets `defaultFlags`,
 * as the first node does: every node then allows the same entitlements.
 */
function parseAppend(text, rules, yaml) {
    if (text.trim() === '')
        return [];
    if (!yaml)
        throw new Error('append is set but the YAML parser was not loaded');
    const root = appendList(text, yaml);
    return root.items.map((item, i) => appendedNode(item, i, { text, rules, yaml }));
}
/** The YAML list `append` holds; throws an InputError when it is not valid YAML or not a list. */
function appendList(text, yaml) {
    const doc = yaml.parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length > 0) {
        const e = doc.errors[0];
        throw new InputError('append', e.linePos?.[0].line, `is not valid YAML: ${e.message.split('\n')[0]}`);
    }
    const root = doc.contents;
    if (!yaml.isSeq(root))
        throw new InputError('append', undefined, 'must be a YAML list of nodes (- name: …, endpoint: …)');
    return root;
}
/** The line a YAML node starts on in the text, or undefined when it has no place. */
function lineOf(text, n) {
    const off = n?.range?.[0];
    return off === undefined ? undefined : text.slice(0, off).split('\n').length;
}
/** The node the i-th item of append describes; a field it doesn't give is the first node's default. */
function appendedNode(item, i, ctx) {
    const label = `append[${i}]`;
    const fail = (at, detail) => {
        throw new InputError('append', lineOf(ctx.text, at ?? item), `${label}: ${detail}`);
    };
    if (!ctx.yaml.isMap(item))
        return fail(item, 'is not a mapping of name, endpoint, driver-opts, buildkitd-flags, platforms');
    const spec = { endpoint: '', driverOpts: [], buildkitdFlags: [...ctx.rules.defaultFlags], platforms: [], label, append: i };
    for (const pair of item.items)
        readField(spec, pair, ctx, fail);
    const problem = ctx.rules.endpointProblem(spec.endpoint);
    if (problem)
        fail(item, `endpoint: ${problem}`);
    return spec;
}
/** Sets the field one key: value pair of an appended node gives; throws an InputError for an unknown field or a bad value. */
function readField(spec, pair, ctx, fail) {
    const { isScalar } = ctx.yaml;
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value;
    const field = FIELDS.find(f => f === key);
    if (!field)
        fail(pair.key, `unknown field "${key}"; a node has ${FIELDS.join(', ')}`);
    const str = () => {
        if (isScalar(value) && (typeof value.value === 'string' || typeof value.value === 'number'))
            return String(value.value).trim();
        return fail(value, `${key} must be a string`);
    };
    switch (field) {
        case 'name':
            spec.name = nodes_nodeName(str(), value, ctx.rules.maxNodeName, fail);
            break;
        case 'endpoint':
            spec.endpoint = str();
            break;
        case 'driver-opts':
            spec.driverOpts = driverOptList(value, ctx.yaml, fail);
            break;
        case 'buildkitd-flags':
            spec.buildkitdFlags = buildkitdFlags(str(), value, ctx.rules.defaultFlags, fail);
            break;
        case 'platforms':
            try {
                spec.platforms = parsePlatforms('append', str());
            }
            catch (err) {
                fail(value, err.message.replace(/^input "append": /, ''));
            }
            break;
    }
}
/** A node's name as buildx keeps it (lower case); fails when buildx would refuse it or it is over the driver's limit. */
function nodes_nodeName(name, value, limit, fail) {
    if (name.length > limit.length)
        fail(value, `name is ${name.length} characters; at most ${limit.length} (${limit.why})`);
    if (!NODE_NAME_RE.test(name))
        fail(value, `name "${name}" must start with a letter and hold only letters, digits and ._-`);
    return name.toLowerCase();
}
/** A node's driver-opts, a list of strings each buildx can read; fails for any other value. */
function driverOptList(value, yaml, fail) {
    // setup-buildx-action takes a list; one string is one option there too.
    const list = yaml.isSeq(value) ? value.items : [value];
    return list.map(v => {
        const opt = yaml.isScalar(v) && typeof v.value === 'string' ? v.value.trim() : fail(v, 'driver-opts must be a list of strings');
        const opts = parseDriverOptLine(opt);
        if (typeof opts === 'string')
            fail(v, `driver-opts: ${opts}`);
        return opt;
    });
}
/** A node's buildkitd-flags as words, or the default flags when it gives none; fails for an open quote or a --config. */
function buildkitdFlags(text, value, defaultFlags, fail) {
    const words = splitShellWords(text);
    if (words === undefined)
        fail(value, 'buildkitd-flags: a quote is not closed');
    if (words.some(w => w === '--config' || w.startsWith('--config=')))
        fail(value, 'buildkitd-flags: --config is set by this action for every node');
    return words.length > 0 ? words : [...defaultFlags];
}
/**
 * Rules across all nodes: buildx refuses two nodes on one endpoint ("invalid duplicate
 * endpoint", store/nodegroup.go validateDuplicates), and an appended node named like an
 * existing one is not appended: buildx changes that node instead (NodeGroup.Update finds
 * it by name). Appended nodes get the name buildx would give them (store/nodegroup.go
 * nextNodeName: <builder><n>, the first free n, for every driver) so that every node has a
 * known name.
 */
function checkNodes(builder, first, appended, rules) {
    const nodes = [first, ...appended];
    const names = new Set([`${builder}0`]);
    for (const n of appended) {
        if (n.name === undefined)
            continue;
        if (names.has(n.name)) {
            throw new InputError('append', undefined, `${n.label}: node name "${n.name}" is taken by another node (buildx would change that node instead of adding one)`);
        }
        names.add(n.name);
    }
    for (const n of appended) {
        if (n.name !== undefined)
            continue;
        let k = 0;
        while (names.has(`${builder}${k}`))
            k++;
        n.name = `${builder}${k}`;
        if (n.name.length > rules.maxNodeName.length) {
            throw new InputError('append', undefined, `${n.label}: the node name buildx would give it is ${n.name.length} characters, over ${rules.maxNodeName.length}; give it a shorter name`);
        }
        names.add(n.name);
    }
    // Nodes of a driver without endpoints (kubernetes) share none.
    if (!rules.nodeEndpoints)
        return nodes;
    const seen = new Map();
    for (const n of nodes) {
        // The first node without an endpoint is on the current context: an appended node needs its own.
        const ep = n.endpoint === '' && n !== first ? undefined : n.endpoint;
        if (ep === undefined) {
            throw new InputError('append', undefined, `${n.label}: has no endpoint; a second node on the current docker context would share the first node's endpoint, which buildx refuses`);
        }
        const other = seen.get(ep);
        if (other !== undefined) {
            throw new InputError('append', undefined, `${n.label}: endpoint "${ep}" is also ${other}'s; buildx refuses two nodes on one endpoint (give each node its own docker context or host)`);
        }
        seen.set(ep, n.label);
    }
    return nodes;
}

;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: ./src/config/hosts.ts

// Registry and mirror addresses as BuildKit understands them.
//
// A registry key in buildkitd.toml is `host[:port]` (BuildKit looks its section up by the
// host of the image reference). A mirror may also carry a path and a scheme: BuildKit
// parses it as a URL and keeps only host and path, then looks up `http`/`insecure` in the
// section of the mirror's *host*
// (https://github.com/moby/buildkit/blob/master/util/resolver/utils.go, extractMirrorHostAndPath).
const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?';
const HOST_RE = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9a-fA-F:.]+\\])(?::(\\d{1,5}))?$`);
const PATH_RE = /^(?:\/[a-zA-Z0-9._~-]+)*\/?$/;
const hosts_HOST_FORMAT = 'host[:port], e.g. registry.example.com or 127.0.0.1:5000';
/**
 * For an address with user[:password]@ in it, which no message quotes. BuildKit takes no
 * credentials in a registry's or mirror's address; it asks docker's credentials (docker login).
 */
const hosts_CREDENTIALS = 'the host holds credentials (user[:password]@, not shown here); give the address alone and the credentials to docker login, whose credentials BuildKit uses';
/**
 * Why `value` is not a `host[:port]`, or undefined when it is one. `input` tailors the hint
 * for a scheme. `section`: the host names a [registry."…"] section of its own, which buildx
 * can't read for an IPv6 literal (its TOML parser, go-toml v1, refuses ']' in a table key:
 * "table key cannot contain ']'", measured with buildx 0.29.1).
 */
function hosts_hostProblem(value, input = '', section = true) {
    if (value === '')
        return 'the host is empty';
    // Before anything quotes the value: user:password@ would be printed whole.
    if (value.includes('@'))
        return hosts_CREDENTIALS;
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
    if (scheme) {
        const hint = input === 'http-registries'
            ? `write it without ${scheme[0]}: this list is the plain-HTTP one already`
            : `list a plain-HTTP registry in http-registries`;
        return `"${value}" has a scheme; registries are plain ${hosts_HOST_FORMAT} (${hint})`;
    }
    const m = HOST_RE.exec(value);
    if (!m)
        return `"${value}" is not a ${hosts_HOST_FORMAT}`;
    if (m[1] !== undefined) {
        const port = Number(m[1]);
        if (port < 1 || port > 65535)
            return `"${value}" has port ${m[1]}, outside 1-65535`;
    }
    if (value.startsWith('[')) {
        const ip = value.slice(1, value.indexOf(']'));
        if (isIP(ip) !== 6)
            return `"${value}" is not a ${hosts_HOST_FORMAT}: "${ip}" is not an IPv6 address`;
        if (section) {
            return (`"${value}" is an IPv6 address, which buildx can't take as a registry: its config parser refuses ']' in [registry."${value}"]; give the ` +
                `registry a host name (e.g. an /etc/hosts entry on the runner)`);
        }
    }
    return undefined;
}
/** Parses `[http(s)://]host[:port][/path]`; returns the endpoint or why it is not one. */
function parseMirror(value) {
    if (value.includes('@'))
        return `mirror: ${hosts_CREDENTIALS}`;
    let rest = value;
    let scheme;
    const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
    if (m) {
        const s = m[1].toLowerCase();
        if (s !== 'http' && s !== 'https') {
            return `mirror "${value}" has scheme "${m[1]}"; only http:// and https:// are allowed`;
        }
        scheme = s;
        rest = rest.slice(m[0].length);
    }
    const slash = rest.indexOf('/');
    const host = slash === -1 ? rest : rest.slice(0, slash);
    const path = slash === -1 ? '' : rest.slice(slash);
    // A mirror reached over plain HTTP needs a section of its own; one over HTTPS does not.
    const problem = hosts_hostProblem(host, 'mirrors', scheme === 'http');
    if (problem)
        return `mirror ${problem.replace(/^the host/, `"${value}": the host`)}`;
    if (path !== '' && !PATH_RE.test(path)) {
        return `mirror "${value}" has path "${path}"; a path may hold only letters, digits and ._~-/`;
    }
    return { host, path: path.replace(/\/$/, ''), scheme };
}
/** How the mirror is written in `mirrors = [...]`: host and path, without the scheme. */
function mirrorRef(m) {
    return m.host + m.path;
}
/**
 * Whether BuildKit counts a host as local, as containerd's docker.MatchLocalhost does
 * (core/remotes/docker/registry.go, vendored in BuildKit); with `http` unset, BuildKit speaks
 * plain HTTP to such a host (util/resolver/resolver.go, fillInsecureOpts). Local means "::1", "[::1]", or
 * net.SplitHostPort's host part being "localhost" or a loopback IP (127.0.0.0/8, ::1, and
 * IPv4-mapped 127.x). Like Go's net.ParseIP, node's isIP takes no IPv4 octet with a leading
 * zero; it takes an IPv6 zone (%eth0), which Go does not, so that is refused first.
 */
function hosts_isLoopback(host) {
    if (host === '::1' || host === '[::1]')
        return true;
    let h;
    const split = /^\[([^[\]]*)\]:(.*)$/.exec(host) ?? /^([^:[\]]*):([^:[\]]*)$/.exec(host);
    if (split !== null) {
        if (split[2] === '')
            return false;
        h = split[1];
    }
    else if (!host.includes(':')) {
        h = host; // no port
    }
    else {
        return false; // SplitHostPort fails: too many colons
    }
    if (h === 'localhost')
        return true;
    // A name is neither an IPv4 address (digits and dots) nor an IPv6 one (colons): isIP is not
    // asked, since its first IPv6 check compiles a large pattern (~8 ms of a step's start-up).
    if (!h.includes(':') && !/^[0-9.]+$/.test(h))
        return false;
    const family = h.includes('%') ? 0 : isIP(h);
    return family !== 0 && loopback().check(h, family === 4 ? 'ipv4' : 'ipv6');
}
// Made at the first address that needs it: node:net's BlockList is compiled on first use.
let loopbackList;
function loopback() {
    if (loopbackList)
        return loopbackList;
    loopbackList = new BlockList();
    loopbackList.addSubnet('127.0.0.0', 8, 'ipv4');
    loopbackList.addAddress('::1', 'ipv6');
    return loopbackList;
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/error.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
function getLineColFromPtr(string, ptr) {
    let lines = string.slice(0, ptr).split(/\r?\n/);
    return [lines.length, lines.pop().length + 1];
}
function makeCodeBlock(string, line, column) {
    let lines = string.split(/\r?\n/);
    let codeblock = '';
    let numberLen = (Math.log10(line + 1) | 0) + 1;
    for (let i = line - 1; i <= line + 1; i++) {
        let l = lines[i - 1];
        if (!l)
            continue;
        codeblock += i.toString().padEnd(numberLen, ' ');
        codeblock += ':  ';
        codeblock += l;
        codeblock += '\n';
        if (i === line) {
            codeblock += ' '.repeat(numberLen + column + 2);
            codeblock += '^\n';
        }
    }
    return codeblock;
}
class TomlError extends Error {
    line;
    column;
    codeblock;
    constructor(message, options) {
        const [line, column] = getLineColFromPtr(options.toml, options.ptr);
        const codeblock = makeCodeBlock(options.toml, line, column);
        super(`Invalid TOML document: ${message}\n\n${codeblock}`, options);
        this.line = line;
        this.column = column;
        this.codeblock = codeblock;
    }
    /** @internal */
    static x(message, ctx, ptr) {
        throw new TomlError(message, { toml: ctx.s, ptr: ptr ?? ctx.p });
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/primitive.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/** @internal */
function parseString(ctx) {
    let startPtr = ctx.p;
    let c = ctx.s.charCodeAt(ctx.p++);
    let first = c;
    let isLiteral = c === 0x27; /* ' */
    let isMultiline = c === ctx.s.charCodeAt(ctx.p) && c === ctx.s.charCodeAt(ctx.p + 1);
    if (isMultiline) {
        // Trim initial newline
        if ((c = ctx.s.charCodeAt(ctx.p += 2)) === 0xa /* \n */)
            ctx.p++;
        else if (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */)
            ctx.p += 2;
    }
    // For the record: it is not worth it to use a fast-path for literal strings using `indexOf`.
    // Doing a char-by-char iteration ends up dispatching less instructions, for the same wall-clock runtime.
    let parsed = '';
    let sliceStart = ctx.p;
    // states:
    //   0 - decoding
    //   1 - decoding escape
    //   2 - whitespace escape (no newline encountered yet, must fail on non-whitespace)
    //   3 - whitespace escape (newline encountered, allowed to transition back to normal decode)
    let state = 0;
    for (; ctx.p < ctx.s.length; ctx.p++) {
        c = ctx.s.charCodeAt(ctx.p);
        // Deal with newlines first, since that simplifies control character checking and handling across all states
        if (isMultiline && (c === 0xa /* \n */ || (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */))) {
            state = state && 3;
        }
        // Control characters are banned in TOML, so we throw an error if we encounter them
        else if ((c < 0x20 && c !== 0x9 /* \t */) || c === 0x7f) {
            TomlError.x('control characters are not allowed in strings', ctx);
        }
        // The string might terminate while we're parsing through a newline escape.
        // It must have encountered a newline; otherwise, it'll simply fail in another branch.
        else if ((!state || state === 3) && c === first && (!isMultiline || (ctx.s.charCodeAt(ctx.p + 1) === first && ctx.s.charCodeAt(ctx.p + 2) === first))) {
            if (isMultiline) {
                // If the string ends with 4-5 quotes, then the first 1-2 are part of the string
                if (ctx.s.charCodeAt(ctx.p + 3) === first)
                    ctx.p++;
                if (ctx.s.charCodeAt(ctx.p + 3) === first)
                    ctx.p++;
            }
            // If we're in a newline escape still, then there's nothing to add.
            if (!state) {
                // Avoid a useless concat operation if the string can be used as-is.
                let s = ctx.s.slice(sliceStart, ctx.p);
                parsed = parsed ? parsed + s : s;
            }
            ctx.p += isMultiline ? 3 : 1;
            return parsed;
        }
        // Baseline state; keep moving forward unless an escape sequence starts
        else if (!state) {
            if (!isLiteral && c === 0x5c /* \ */) {
                parsed += ctx.s.slice(sliceStart, (sliceStart = ctx.p));
                state = 1;
            }
        }
        else if (state === 1) {
            if (c === 0x78 /* x */ || c === 0x75 /* u */ || c === 0x55 /* U */) { // Unicode escape
                let errPtr = ctx.p++ - 1;
                let value = 0;
                let len = c === 0x78 /* x */ ? 2 : c === 0x75 /* u */ ? 4 : 8;
                for (let j = 0; j < len; j++, ctx.p++) {
                    let hex = ctx.s.charCodeAt(ctx.p);
                    let digit = 
                    /* 0-9 */ hex >= 0x30 && hex <= 0x39 ? hex - 0x30 :
                        /* A-F */ hex >= 0x41 && hex <= 0x46 ? hex - 0x41 + 10 :
                            /* a-f */ hex >= 0x61 && hex <= 0x66 ? hex - 0x61 + 10 : -1;
                    if (digit < 0)
                        TomlError.x('invalid non-hex character in unicode escape', ctx);
                    value = (value << 4) | digit;
                }
                // Because JS does bitwise on signed 32bit integers, all 0xfzzzzzzz values are actually seen as negative
                if (value < 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
                    TomlError.x('invalid unicode escape', ctx, errPtr);
                }
                parsed += String.fromCodePoint(value);
                sliceStart = ctx.p--;
                state = 0;
            }
            // Newline escape sequence. We only need to care about spaces and tabs; newlines are dealt with earlier
            else if (isMultiline && (c === 0x20 || c === 0x9 /* \t */)) {
                state = 2;
            }
            // Basic escape sequence
            else {
                if (c === 0x62 /* b */)
                    parsed += '\b';
                else if (c === 0x74 /* t */)
                    parsed += '\t';
                else if (c === 0x6e /* n */)
                    parsed += '\n';
                else if (c === 0x66 /* f */)
                    parsed += '\f';
                else if (c === 0x72 /* r */)
                    parsed += '\r';
                else if (c === 0x65 /* e */)
                    parsed += '\x1b';
                else if (c === 0x22 /* " */)
                    parsed += '"';
                else if (c === 0x5c /* \ */)
                    parsed += '\\';
                else
                    TomlError.x('unrecognised escape sequence', ctx);
                sliceStart = ctx.p + 1;
                state = 0;
            }
        }
        // Newline escape continuation: keep moving forward until the first non-whitespace char
        else if (c !== 0x20 && c !== 0x9 /* \t */) {
            if (state === 2)
                TomlError.x('invalid escape: only line-ending whitespace may be escaped', ctx, sliceStart);
            // State cannot be zero, or we'd have branched earlier already.
            // If it's a backslash, immediately transition to the escape state so it can be processed.
            state = !isLiteral && c === 0x5c /* \ */ ? 1 : 0;
            sliceStart = ctx.p;
        }
    }
    TomlError.x('unfinished string', ctx, startPtr);
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/date.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
let DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})?[Tt ]?(?:(\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|z|[-+]\d{2}:\d{2})?$/i;
class TomlDate extends Date {
    #hasDate = false;
    #hasTime = false;
    #offset = null;
    constructor(date, fasttype, unsafeDelim) {
        let hasDate = true;
        let hasTime = true;
        let offset = 'Z';
        let c;
        if (typeof date === 'string') {
            if (fasttype)
                prep: {
                    // Date-time
                    if (fasttype < 3) {
                        if (+date.slice(11, 13) > 23) {
                            date = '';
                            break prep;
                        }
                        // Local
                        if (fasttype === 2) {
                            offset = null;
                            date += 'Z';
                        }
                        // Offset; keep track of offset if not Z
                        else if ((c = date.charCodeAt(date.length - 1)) !== 0x5a /* Z */ && c !== 0x7a /* z */) {
                            offset = date.slice(date.length - 6);
                        }
                        if (unsafeDelim)
                            date = date.slice(0, 10) + 'T' + date.slice(11);
                    }
                    // Time
                    else if (fasttype === 4) {
                        date = +date.slice(0, 2) > 23 ? '' : `0000-01-01T${date}Z`;
                    }
                    hasDate = fasttype !== 4;
                    hasTime = fasttype !== 3;
                }
            else {
                let match = date.match(DATE_TIME_RE);
                if (match) {
                    if (!match[1]) {
                        hasDate = false;
                        date = `0000-01-01T${date}`;
                    }
                    hasTime = !!match[2];
                    // Make sure to use T instead of a space. Breaks in case of extreme values otherwise.
                    hasTime && date[10] === ' ' && (date = date.replace(' ', 'T'));
                    // Do not allow rollover hours.
                    if (match[2] && +match[2] > 23) {
                        date = '';
                    }
                    else {
                        offset = match[3] || null;
                        if (!offset && hasTime)
                            date += 'Z';
                    }
                }
                else {
                    date = '';
                }
            }
        }
        super(date);
        if (!isNaN(this.getTime())) {
            this.#hasDate = hasDate;
            this.#hasTime = hasTime;
            this.#offset = offset;
        }
    }
    isDateTime() {
        return this.#hasDate && this.#hasTime;
    }
    isLocal() {
        return !this.#hasDate || !this.#hasTime || !this.#offset;
    }
    isDate() {
        return this.#hasDate && !this.#hasTime;
    }
    isTime() {
        return this.#hasTime && !this.#hasDate;
    }
    isValid() {
        return this.#hasDate || this.#hasTime;
    }
    toISOString() {
        let iso = super.toISOString();
        // Local Date
        if (this.isDate())
            return iso.slice(0, 10);
        // Local Time
        if (this.isTime())
            return iso.slice(11, 23);
        // Local DateTime
        if (this.#offset === null)
            return iso.slice(0, -1);
        // Offset DateTime
        if (this.#offset === 'Z' || this.#offset === 'z')
            return iso;
        // This part is quite annoying: JS strips the original timezone from the ISO string representation
        // Instead of using a "modified" date and "Z", we restore the representation "as authored"
        let offset = (+(this.#offset.slice(1, 3)) * 60) + +(this.#offset.slice(4, 6));
        offset = this.#offset[0] === '-' ? offset : -offset;
        let offsetDate = new Date(this.getTime() - (offset * 60e3));
        return offsetDate.toISOString().slice(0, -1) + this.#offset;
    }
    static wrapAsOffsetDateTime(jsDate, offset = 'Z') {
        let date = new TomlDate(jsDate);
        date.#offset = offset;
        return date;
    }
    static wrapAsLocalDateTime(jsDate) {
        let date = new TomlDate(jsDate);
        date.#offset = null;
        return date;
    }
    static wrapAsLocalDate(jsDate) {
        let date = new TomlDate(jsDate);
        date.#hasTime = false;
        date.#offset = null;
        return date;
    }
    static wrapAsLocalTime(jsDate) {
        let date = new TomlDate(jsDate);
        date.#hasDate = false;
        date.#offset = null;
        return date;
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/extract.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */




function isDigit(char, base = 10) {
    return base === 16
        ? (char > 0x2f && char < 0x3a) || (char > 0x40 && char < 0x47) || (char > 0x60 && char < 0x67)
        : (char > 0x2f && char < 0x30 + base);
}
function isEndOfValue(char, delim) {
    // Whitespace -- we're permissive on `\r` for performance; it'll be dealt with later anyway
    return char === 0x20 || char === 0x9 /* \t */ || char === 0xa /* \n */ || char === 0xd /* \r */ ||
        // Structure end or next value delimiter
        (delim && (char === delim || char === 0x2c /* , */)) ||
        // Comment
        char === 0x23; /* # */
}
/** @internal */
function extractValue(ctx, end) {
    let errPtr = ctx.p;
    let c = ctx.s.charCodeAt(ctx.p);
    // Structs
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
        ctx.d-- || TomlError.x('document contains excessively nested structures. aborting.', ctx);
        let value = c === 0x5b /* [ */
            ? parseArray(ctx)
            : parseInlineTable(ctx);
        ctx.d++;
        return value;
    }
    // Strings
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
        return parseString(ctx);
    }
    // Booleans
    // We can fast-path because the first character is enough to know the only possible value
    if (c === 0x74 /* t */) { // Only possible valid value is `true`
        if (ctx.s.charCodeAt(++ctx.p) !== 0x72 || ctx.s.charCodeAt(++ctx.p) !== 0x75 || ctx.s.charCodeAt(++ctx.p) !== 0x65)
            TomlError.x('invalid value', ctx, errPtr);
        return ctx.p++, true;
    }
    if (c === 0x66 /* f */) { // Only possible valid value is `false`
        if (ctx.s.charCodeAt(++ctx.p) !== 0x61 || ctx.s.charCodeAt(++ctx.p) !== 0x6c || ctx.s.charCodeAt(++ctx.p) !== 0x73 || ctx.s.charCodeAt(++ctx.p) !== 0x65)
            TomlError.x('invalid value', ctx, errPtr);
        return ctx.p++, false;
    }
    if (c === 0x2b /* + */ || c === 0x2d /* - */) {
        return parseNumber(ctx, ctx.p, ctx.s.charCodeAt(++ctx.p), 0x2c - c, end);
    }
    // Rough heuristic, but `parseDate` falls back to number parsing if it's a false positive.
    // e.g.: `a = 1\n-------------- = 1` would match this heuristic, but gracefully fallback to numbers.
    if (ctx.s.charCodeAt(ctx.p + 4) === 0x2d /* - */ && ctx.s.charCodeAt(ctx.p + 7) === 0x2d /* - */) {
        return parseDate(ctx, c, end);
    }
    // Same logic as above; `parseTime` falls back to number parsing if it's a false positive.
    if (ctx.s.charCodeAt(ctx.p + 2) === 0x3a /* : */) {
        return parseTime(ctx, c, end);
    }
    return parseNumber(ctx, ctx.p, c, 0, end);
}
// State:
// 0: init
// 1: integer
// 2: fractional dot
// 3: fractional
// 4: exponent letter
// 5: exponent
// 6: exponent sign
// 7: exponent with sign
// >9: underscore; see below
//     -> 12: was integer
//     -> 14: was fractional
//     -> 16: was exponent
// states 2-5, 14, 16 are ONLY permitted iif base === 10
function parseNumber(ctx, startPtr, startChr, sign, endChr) {
    let c = startChr;
    let state = 0;
    let hasUnderscores = false;
    // (+/-)inf
    if (c === 0x69 /* i */) {
        if (ctx.s.charCodeAt(++ctx.p) !== 0x6e || ctx.s.charCodeAt(++ctx.p) !== 0x66)
            TomlError.x('invalid value', ctx, startPtr);
        return ctx.p++, (sign || 1) / 0;
    }
    // (+/-)nan
    if (c === 0x6e /* n */) {
        if (ctx.s.charCodeAt(++ctx.p) !== 0x61 || ctx.s.charCodeAt(++ctx.p) !== 0x6e)
            TomlError.x('invalid value', ctx, startPtr);
        return ctx.p++, NaN;
    }
    // Leading zero
    // Only allowed cases: `0<EOV>`, `0.(...)`, `0e(...)`, `0x(...)`, `0b(...)`, `0o(...)`
    // FWIW, `0e(...)` is a stupid case, but it's not banned per-se so we have to parse it
    if (c === 0x30 /* 0 */) {
        if (++ctx.p >= ctx.s.length || isEndOfValue(c = ctx.s.charCodeAt(ctx.p), endChr))
            return ctx.bi === true ? 0n : 0; // note: conveniently deals with `-0`
        if (!sign) {
            if (c === 0x78 /* x */)
                return parseIntegerBaseN(ctx, startPtr, 16, endChr);
            else if (c === 0x62 /* b */)
                return parseIntegerBaseN(ctx, startPtr, 2, endChr);
            else if (c === 0x6f /* o */)
                return parseIntegerBaseN(ctx, startPtr, 8, endChr);
        }
        if (c === 0x2e /* . */)
            state = 2;
        else if (c === 0x65 /* e */ || c === 0x45 /* E */)
            state = 4;
        else
            TomlError.x('illegal leading zero', ctx, startPtr);
    }
    // If the 1st char is not a digit by now, then it's not a valid TOML value at all
    else if (!isDigit(c))
        TomlError.x('invalid value', ctx, startPtr);
    while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
        if (!state)
            state = 1; // Detects single-digit numbers we can use a fast parse path for
        // The way the states are numbered is not random: underscores are always permitted in odd-numbered states and
        // never permitted in even-numbered ones.
        if (c === 0x5f /* _ */) {
            if (!(state & 1))
                TomlError.x('illegal underscore', ctx);
            state += 11; // 11 is a marker that makes the state even and greater than 9; see the numbering + rationale above
            hasUnderscores = true;
        }
        // Transition to fractional part.
        else if (state === 1 && c === 0x2e /* . */)
            state = 2;
        // Transition to exponent part.
        else if ((state === 1 || state === 3) && (c === 0x65 /* e */ || c === 0x45 /* E */))
            state = 4;
        // + and - are permitted in state 4 only (handled before entering the function for state 0)
        else if (state === 4 && (c === 0x2b /* + */ || c === 0x2d /* - */)) {
            state = 6;
        }
        // All special cases have been handled; only digits are allowed here
        else if (!isDigit(c))
            TomlError.x(`illegal character in numeric literal`, ctx);
        // Clear state flags
        else if (state > 9)
            state -= 11;
        else if (!(state & 1))
            state++;
    }
    // Single-char number; we can fast-path these very easily.
    if (!state) {
        let val = (startChr - 0x30 /* 0 */) * (sign || 1);
        return ctx.bi === true ? BigInt(val) : val;
    }
    // Even-numbered states absolutely require a digit next; not even end of value is permitted
    if (!(state & 1))
        TomlError.x('unfinished numeric value', ctx, startPtr);
    let str = ctx.s.slice(startPtr, ctx.p);
    if (hasUnderscores)
        str = str.replaceAll('_', ''); // perf: replaceAll 1.25x faster than replace with a regex
    return state > 1
        ? parseFloat(str)
        : parseInteger(ctx, str, 10, startPtr);
}
function parseIntegerBaseN(ctx, startPtr, base, endChr) {
    let c, underscore = 1;
    while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
        if (c === 0x5f /* _ */) {
            if (underscore & 1)
                TomlError.x('illegal underscore', ctx);
            underscore = 3;
        }
        // We only need to check if the number is a valid digit, nothing else is permitted
        else if (!isDigit(c, base))
            TomlError.x(`illegal character in numeric literal`, ctx);
        // Clear underscore flag
        else if (underscore & 1)
            underscore--;
    }
    // Trailing underscore is not allowed
    if (underscore & 1)
        TomlError.x('unfinished numeric value', ctx);
    let str = ctx.s.slice(startPtr + 2, ctx.p);
    if (underscore)
        str = str.replaceAll('_', ''); // perf: replaceAll 1.25x faster than replace with a regex
    return parseInteger(ctx, str, base, startPtr);
}
function parseInteger(ctx, str, base, startPtr) {
    if (ctx.bi !== true)
        int: {
            let val = parseInt(str, base);
            if (!Number.isSafeInteger(val)) {
                if (ctx.bi)
                    break int;
                TomlError.x('integer value cannot be represented losslessly', ctx, startPtr);
            }
            return val;
        }
    return base === 10 ? BigInt(str) : BigInt((base === 2 ? '0b' : base === 8 ? '0o' : '0x') + str);
}
function parseDate(ctx, c, endChr) {
    let startPtr = ctx.p++, unsafeSeparator;
    if (!isDigit(c) ||
        !isDigit(ctx.s.charCodeAt(ctx.p++)) ||
        !isDigit(ctx.s.charCodeAt(ctx.p++)) ||
        !isDigit(ctx.s.charCodeAt(ctx.p++))) {
        return parseNumber(ctx, ctx.p = startPtr, c, 0, endChr);
    }
    ctx.p += 5;
    if (!isDigit(ctx.s.charCodeAt(ctx.p++)))
        TomlError.x('invalid date-time: date part is malformed', ctx, startPtr);
    if (ctx.p >= ctx.s.length || (((c = ctx.s.charCodeAt(ctx.p)) !== 0x20 || (unsafeSeparator = true, !isDigit(ctx.s.charCodeAt(ctx.p + 1)))) && c !== 0x54 /* T */ && c !== 0x74 /* t */)) {
        let t = ctx.s.slice(startPtr, ctx.p);
        return readDate(ctx, t, 3, false, startPtr);
    }
    if (ctx.s.charCodeAt(ctx.p += 3) !== 0x3a /* : */)
        TomlError.x('invalid date-time: time part is malformed', ctx, startPtr);
    if (ctx.s.charCodeAt(ctx.p += 3) === 0x3a /* : */)
        ctx.p += 3;
    if (ctx.s.charCodeAt(ctx.p) === 0x2e /* . */)
        while (isDigit(ctx.s.charCodeAt(++ctx.p)))
            ;
    if (c = ctx.s.charCodeAt(ctx.p)) {
        if (c === 0x5a /* Z */ || c === 0x7a /* z */) {
            let t = ctx.s.slice(startPtr, ++ctx.p);
            return readDate(ctx, t, 1, unsafeSeparator, startPtr, '[+00:00]');
        }
        if (c === 0x2b /* + */ || c === 0x2d /* - */) {
            // Temporal's ZonedDateTime is weird asf when it comes to dealing with traditional offsets...
            // It's 1.2x faster to allocate a new string to pass to ZDT than use Instant.toZonedDateTimeISO
            let t = ctx.s.slice(startPtr, ctx.p += 6);
            return readDate(ctx, t, 1, unsafeSeparator, startPtr, !ctx.ld && ('[' + ctx.s.slice(ctx.p - 6, ctx.p) + ']'));
        }
    }
    let t = ctx.s.slice(startPtr, ctx.p);
    return readDate(ctx, t, 2, unsafeSeparator, startPtr);
}
function parseTime(ctx, c, endChr) {
    let start = ctx.p;
    if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(++ctx.p))) {
        return parseNumber(ctx, --ctx.p, c, 0, endChr);
    }
    if (ctx.s.charCodeAt(ctx.p += 4) === 0x3a /* : */)
        ctx.p += 3;
    if (ctx.s.charCodeAt(ctx.p) === 0x2e /* . */)
        while (isDigit(ctx.s.charCodeAt(++ctx.p)))
            ;
    let t = ctx.s.slice(start, ctx.p);
    return readDate(ctx, t, 4, false, start);
}
function readDate(ctx, str, type, unsafeDelim, errPtr, temporalSuffix) {
    if (ctx.ld) {
        let date = new TomlDate(str, type, unsafeDelim);
        if (!date.isValid())
            TomlError.x('invalid date', ctx, errPtr);
        return date;
    }
    try {
        if (temporalSuffix)
            str += temporalSuffix;
        switch (type) {
            case 1: return Temporal.ZonedDateTime.from(str);
            case 2: return Temporal.PlainDateTime.from(str);
            case 3: return Temporal.PlainDate.from(str);
            case 4: return Temporal.PlainTime.from(str);
        }
    }
    catch (e) {
        TomlError.x(e instanceof Error ? e.message : '' + e, ctx, errPtr);
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/util.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/** @internal */
function skipComment(ctx) {
    for (; ctx.p < ctx.s.length; ctx.p++) {
        let c = ctx.s.charCodeAt(ctx.p);
        if (c === 0xa /* \n */)
            break;
        if (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */) {
            ctx.p++;
            break;
        }
        if ((c < 0x20 && c !== 0x9 /* \t */) || c === 0x7f) {
            TomlError.x('control characters are not allowed in comments', ctx);
        }
    }
}
/** @internal */
function skipVoid(ctx, banNewLines, banComments) {
    let c;
    while (ctx.p < ctx.s.length) {
        while (ctx.p < ctx.s.length && ((c = ctx.s.charCodeAt(ctx.p)) === 0x20 ||
            c === 0x9 /* \t */ ||
            (!banNewLines &&
                (c === 0xa /* \n */ || (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */)))))
            ctx.p++;
        if (banComments || c !== 0x23 /* # */)
            break;
        skipComment(ctx);
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/struct.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */




/** @internal */
function parseKey(ctx, end = 0x3d /* = */) {
    // States:
    // 0: before first char
    // 1: parsing bare key
    // 2: after key component
    let startPtr;
    let state = 0;
    let parsed = [];
    let sliceStart;
    let c = ctx.s.charCodeAt(startPtr = ctx.p);
    do {
        // End of key
        if (c === end) {
            if (!state)
                TomlError.x('unexpected end of key', ctx);
            if (state === 1)
                parsed.push(ctx.s.slice(sliceStart, ctx.p));
            return ctx.p++, parsed;
        }
        // Dotted key separator
        else if (c === 0x2e /* . */) {
            if (!state)
                TomlError.x('illegal empty bare key', ctx);
            if (state === 1)
                parsed.push(ctx.s.slice(sliceStart, ctx.p));
            state = 0;
        }
        // Quoted key
        else if (!state && (c === 0x22 /* " */ || c === 0x27 /* ' */)) {
            if (c === ctx.s.charCodeAt(ctx.p + 1) && c === ctx.s.charCodeAt(ctx.p + 2))
                TomlError.x('illegal quoted key: multiline strings are not allowed', ctx);
            parsed.push(parseString(ctx));
            state = 2;
            ctx.p--;
        }
        // Whitespace; no-op in state 0 and 2, end of bare key in state 1
        else if (c === 0x20 || c === 0x9 /* \t */) {
            if (state === 1) {
                parsed.push(ctx.s.slice(sliceStart, ctx.p));
                state = 2;
            }
        }
        // If state is post-key, no character is allowed; otherwise ensure it's a bare-key component
        else if (state === 2 || (c < 0x30 && c !== 0x2d /* - */) || (c > 0x39 && c < 0x41) || (c > 0x5a && c < 0x61 && c !== 0x5f /* _ */) || c > 0x7a) {
            TomlError.x('illegal character in key', ctx);
        }
        // Illegal character
        else if (!state) {
            state = 1;
            sliceStart = ctx.p;
        }
    } while (c = ctx.s.charCodeAt(++ctx.p));
    TomlError.x('incomplete key-value: cannot find end of key', ctx, startPtr);
}
/** @internal */
function parseInlineTable(ctx) {
    let startPtr = ctx.p++;
    let res = Object.create(null);
    let seen = new Set();
    let c;
    while (ctx.p < ctx.s.length) {
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p)) === 0x7d /* } */) {
            ctx.p++;
            return res;
        }
        let k;
        let t = res;
        let hasOwn = false;
        let errPtr = ctx.p;
        let key = parseKey(ctx);
        for (let i = 0; i < key.length; i++) {
            if (i)
                t = hasOwn ? t[k] : (t[k] = Object.create(null));
            k = key[i];
            if ((hasOwn = Object.hasOwn(t, k)) && (typeof t[k] !== 'object' || seen.has(t[k]))) {
                TomlError.x('trying to redefine an already defined value', ctx, errPtr);
            }
            let unsafe = k === '__proto__';
            if (ctx.uk && (unsafe || k === 'constructor')) {
                t = ctx.uk !== 1 && TomlError.x('document contains an unsafe property', ctx, errPtr);
                break;
            }
            if (!hasOwn && unsafe) {
                Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
            }
        }
        if (hasOwn) {
            TomlError.x('trying to redefine an already defined value', ctx, errPtr);
        }
        skipVoid(ctx, true, true);
        let value = extractValue(ctx, 0x7d /* } */);
        if (t && typeof (t[k] = value) === 'object')
            seen.add(value);
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p++)) === 0x7d /* } */) {
            return res;
        }
        if (c !== 0x2c /* , */)
            TomlError.x('expected comma or end of structure', ctx, ctx.p - 1);
    }
    TomlError.x('unfinished table', ctx, startPtr);
}
/** @internal */
function parseArray(ctx) {
    let startPtr = ctx.p++;
    let res = [];
    let c;
    while (ctx.p < ctx.s.length) {
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p)) === 0x5d /* ] */) {
            ctx.p++;
            return res;
        }
        res.push(extractValue(ctx, 0x5d /* ] */));
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p++)) === 0x5d /* ] */) {
            return res;
        }
        if (c !== 0x2c /* , */)
            TomlError.x('expected comma or end of structure', ctx, ctx.p - 1);
    }
    TomlError.x('unfinished array', ctx, startPtr);
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/parse.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */




function peekTable(ctx, key, table, meta, type) {
    let t = table;
    let m = meta;
    let k;
    let hasOwn = false;
    let state;
    for (let i = 0; i < key.length; i++) {
        if (i) {
            t = hasOwn ? t[k] : (t[k] = Object.create(null));
            m = (state = m[k]).c;
            if (type === 0 /* Type.DOTTED */ && (state.t === 1 /* Type.EXPLICIT */ || state.t === 2 /* Type.ARRAY */)) {
                return null;
            }
            if (state.t === 2 /* Type.ARRAY */) {
                let l = t.length - 1;
                t = t[l];
                m = m[l].c;
            }
        }
        k = key[i];
        if ((hasOwn = Object.hasOwn(t, k)) && m[k]?.t === 0 /* Type.DOTTED */ && m[k]?.d) {
            return null;
        }
        if (!hasOwn) {
            let unsafe = k === '__proto__';
            if (ctx.uk && (unsafe || k === 'constructor'))
                return false;
            if (unsafe) {
                Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
                Object.defineProperty(m, k, { enumerable: true, configurable: true, writable: true });
            }
            m[k] = {
                t: i < key.length - 1 && type === 2 /* Type.ARRAY */
                    ? 3 /* Type.ARRAY_DOTTED */ : type,
                d: false,
                i: 0,
                c: Object.create(null),
            };
        }
    }
    state = m[k];
    if (state.t !== type && !(type === 1 /* Type.EXPLICIT */ && state.t === 3 /* Type.ARRAY_DOTTED */)) {
        // Bad key type!
        return null;
    }
    if (type === 2 /* Type.ARRAY */) {
        if (!state.d) {
            state.d = true;
            t[k] = [];
        }
        t[k].push(t = Object.create(null));
        state.c[state.i++] = (state = { t: 1 /* Type.EXPLICIT */, d: false, i: 0, c: Object.create(null) });
    }
    if (state.d) {
        // Redefining a table!
        return null;
    }
    state.d = true;
    if (type === 1 /* Type.EXPLICIT */) {
        t = hasOwn ? t[k] : (t[k] = Object.create(null));
    }
    else if (type === 0 /* Type.DOTTED */ && hasOwn) {
        return null;
    }
    return [k, t, state.c];
}
function validateTablePeek(ctx, peek, ptr) {
    if (peek === null || ctx.uk === 2)
        TomlError.x(peek === null
            ? 'trying to redefine an already defined table or value'
            : 'document contains an unsafe property', ctx, ptr);
}
function parse(toml, options = {}) {
    let ctx = {
        s: toml,
        p: 0,
        d: options.maxDepth ?? 1000,
        bi: options.integersAsBigInt ?? false,
        ld: options.useLegacyDate ?? true,
        uk: options.unsafeKeyBehaviour === 'throw' ? 2 : options.unsafeKeyBehaviour === 'drop' ? 1 : 0,
    };
    let res = Object.create(null);
    let meta = Object.create(null);
    let tmp;
    let skipping = false;
    let tbl = res;
    let m = meta;
    // BOM is allowed, skip.
    // JS is UTF-16, so we have to check for the UTF-16 BOM instead of the UTF-8 BOM sequence!
    if (toml.charCodeAt(0) === 0xfeff)
        ctx.p++;
    skipVoid(ctx);
    while (ctx.p < toml.length) {
        if (toml.charCodeAt(ctx.p) === 0x5b /* [ */) {
            let isTableArray = toml.charCodeAt(++ctx.p) === 0x5b; /* [ */
            tmp = ctx.p += +isTableArray;
            skipping = false;
            let k = parseKey(ctx, 0x5d /* ] */);
            if (isTableArray) {
                if (toml.charCodeAt(ctx.p) !== 0x5d /* ] */) {
                    TomlError.x('expected end of table array declaration', ctx);
                }
                ctx.p++;
            }
            let p = peekTable(ctx, k, res, meta, isTableArray ? 2 /* Type.ARRAY */ : 1 /* Type.EXPLICIT */);
            if (!p) {
                validateTablePeek(ctx, p, tmp);
                skipping = true;
            }
            else {
                m = p[2];
                tbl = p[1];
            }
        }
        else {
            tmp = ctx.p;
            let k = parseKey(ctx);
            let p = peekTable(ctx, k, tbl, m, 0 /* Type.DOTTED */);
            if (!p && !skipping)
                validateTablePeek(ctx, p, tmp);
            skipVoid(ctx, true, true);
            let v = extractValue(ctx, void 0);
            if (p && !skipping)
                p[1][p[0]] = v;
        }
        skipVoid(ctx, true);
        if (ctx.p < toml.length && (tmp = toml.charCodeAt(ctx.p)) !== 0xa /* \n */ && (tmp !== 0xd /* \r */ || toml.charCodeAt(ctx.p + 1) !== 0xa /* \n */)) {
            TomlError.x('each key-value declaration must be followed by an end-of-line', ctx);
        }
        skipVoid(ctx);
    }
    return res;
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/stringify.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
let BARE_KEY = /^[a-z0-9-_]+$/i;
let HAS_WELLFORMED = !!(''.isWellFormed);
function extendedTypeOf(obj) {
    let type = typeof obj;
    if (type === 'object') {
        if (Array.isArray(obj))
            return 'array';
        if (typeof obj.getUTCDate === 'function' && obj instanceof Date)
            return 'date';
        if (globalThis.Temporal) {
            if (obj.until) {
                if (obj instanceof Temporal.ZonedDateTime)
                    return 'temporal/tz+uc';
                if (obj instanceof Temporal.PlainDateTime || obj instanceof Temporal.PlainDate)
                    return 'temporal/uc';
                if (obj instanceof Temporal.PlainTime || obj instanceof Temporal.Instant)
                    return 'temporal';
                if (obj instanceof Temporal.PlainYearMonth)
                    return 'temporal/x';
            }
            else if ((obj.toPlainDate && obj instanceof Temporal.PlainMonthDay) ||
                (obj.negated && obj instanceof Temporal.Duration)) {
                return 'temporal/x';
            }
        }
    }
    return type;
}
function isArrayOfTables(obj) {
    for (let i = 0; i < obj.length; i++) {
        if (extendedTypeOf(obj[i]) !== 'object')
            return false;
    }
    return obj.length != 0;
}
function formatWellFormedStringUnchecked(s) {
    return JSON.stringify(s).replaceAll('\x7f', '\\u007f');
}
function formatString(s) {
    return formatWellFormedStringUnchecked(HAS_WELLFORMED ? s.toWellFormed() : s);
}
function formatKey(s) {
    if (BARE_KEY.test(s))
        return s;
    if (HAS_WELLFORMED && !s.isWellFormed())
        throw new RangeError('key contains illegal lone surrogates');
    return formatWellFormedStringUnchecked(s);
}
function stringifyValue(val, type, depth, numberAsFloat, strictTemporal) {
    if (depth === 0) {
        throw new Error('Could not stringify the object: maximum object depth exceeded');
    }
    switch (type) {
        // @ts-expect-error -- intentional fallthrough case
        case 'number':
            if (isNaN(val))
                return 'nan';
            if (val === Infinity)
                return 'inf';
            if (val === -Infinity)
                return '-inf';
            if (Number.isInteger(val) && (numberAsFloat || !Number.isSafeInteger(val)))
                return val.toFixed(1);
        case 'bigint':
        case 'boolean':
        case 'temporal':
            return val.toString();
        case 'string':
            return formatString(val);
        case 'date':
            if (isNaN(val.getTime()))
                throw new TypeError('cannot serialize invalid date');
            return val.toISOString();
        case 'object':
            return stringifyInlineTable(val, depth, numberAsFloat, strictTemporal);
        case 'array':
            return stringifyArray(val, depth, numberAsFloat, strictTemporal);
        // @ts-expect-error -- intentional fallthrough case
        case 'temporal/tz+uc':
            if (strictTemporal) {
                let tz = val.timeZoneId;
                let tzc = tz.charCodeAt(0);
                if (
                // Classic offset
                tzc !== 0x2b /* + */ && tzc !== 0x2d /* - */ &&
                    (
                    // Fast pre-check pass; see below for the actually accepted values
                    (tzc !== 0x55 /* U */ && tzc !== 0x47 /* G */ && tzc !== 0x5a /* Z */ && tzc !== 0x45 /* E */) ||
                        (
                        // UTC and its aliases; Temporal implementations don't all canonicalise unfortunately
                        tz !== 'UTC' && tz !== 'UCT' && tz !== 'Universal' && tz !== 'Zulu' &&
                            // GMT is a TZ but it's for all intents and purposes equivalent to UTC. Safe to downgrade.
                            !tz.startsWith('GMT') && tz !== 'Greenwich' &&
                            // Etc/* are all safe to downgrade to offset (either UTC, GMT, or offset)
                            !tz.startsWith('Etc/')))) {
                    throw new TypeError('Temporal objects with an IANA timezone are not allowed in Temporal strict mode');
                }
            }
        case 'temporal/uc':
            if (strictTemporal && val.calendarId !== 'iso8601')
                throw new TypeError('Temporal objects with a non-default calendar are not allowed in Temporal strict mode');
            return val.toString({
                calendarName: 'never',
                timeZoneName: 'never',
            });
        case 'temporal/x':
            throw new TypeError('Unsupported ' + val[Symbol.toStringTag]);
    }
}
function stringifyInlineTable(obj, depth, numberAsFloat, strictTemporal) {
    let keys = Object.keys(obj);
    if (keys.length === 0)
        return '{}';
    let res = '{ ';
    for (let i = 0; i < keys.length; i++) {
        let k = keys[i];
        if (i)
            res += ', ';
        res += formatKey(k) + ' = ' + stringifyValue(obj[k], extendedTypeOf(obj[k]), depth - 1, numberAsFloat, strictTemporal);
    }
    return res + ' }';
}
function stringifyArray(array, depth, numberAsFloat, strictTemporal) {
    if (array.length === 0)
        return '[]';
    let res = '[ ';
    for (let i = 0; i < array.length; i++) {
        if (i)
            res += ', ';
        if (array[i] === null || array[i] === void 0) {
            throw new TypeError('arrays cannot contain null or undefined values');
        }
        res += stringifyValue(array[i], extendedTypeOf(array[i]), depth - 1, numberAsFloat, strictTemporal);
    }
    return res + ' ]';
}
function stringifyArrayTable(array, key, depth, numberAsFloat, strictTemporal) {
    if (depth === 0) {
        throw new Error('Could not stringify the object: maximum object depth exceeded');
    }
    let res = '';
    for (let i = 0; i < array.length; i++) {
        res += `${res && '\n'}[[${key}]]\n`;
        res += stringifyTable(0, array[i], key, depth, numberAsFloat, strictTemporal);
    }
    return res;
}
function stringifyTable(tableKey, obj, prefix, depth, numberAsFloat, strictTemporal) {
    if (depth === 0) {
        throw new Error('Could not stringify the object: maximum object depth exceeded');
    }
    let preamble = '';
    let tables = '';
    let keys = Object.keys(obj);
    for (let i = 0; i < keys.length; i++) {
        let k = keys[i];
        if (obj[k] !== null && obj[k] !== void 0) {
            let type = extendedTypeOf(obj[k]);
            if (type === 'symbol' || type === 'function') {
                throw new TypeError(`cannot serialize values of type '${type}'`);
            }
            let key = formatKey(k);
            if (type === 'array' && isArrayOfTables(obj[k])) {
                tables += (tables && '\n') + stringifyArrayTable(obj[k], prefix ? `${prefix}.${key}` : key, depth - 1, numberAsFloat, strictTemporal);
            }
            else if (type === 'object') {
                let tblKey = prefix ? `${prefix}.${key}` : key;
                tables += (tables && '\n') + stringifyTable(tblKey, obj[k], tblKey, depth - 1, numberAsFloat, strictTemporal);
            }
            else {
                preamble += key;
                preamble += ' = ';
                preamble += stringifyValue(obj[k], type, depth, numberAsFloat, strictTemporal);
                preamble += '\n';
            }
        }
    }
    if (tableKey && (preamble || !tables)) // Create table only if necessary
        preamble = preamble ? `[${tableKey}]\n${preamble}` : `[${tableKey}]`;
    return preamble && tables
        ? `${preamble}\n${tables}`
        : preamble || tables;
}
function stringify_stringify(obj, { maxDepth = 1000, numbersAsFloat = false, strictTemporal = false } = {}) {
    if (extendedTypeOf(obj) !== 'object') {
        throw new TypeError('stringify can only be called with an object');
    }
    let str = stringifyTable(0, obj, '', maxDepth, numbersAsFloat, strictTemporal);
    if (str[str.length - 1] !== '\n')
        return str + '\n';
    return str;
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/index.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */





/** @deprecated use `import * as ... from 'smol-toml'` instead */
/* harmony default export */ const dist = ({ parse: parse, stringify: stringify_stringify, TomlDate: TomlDate, TomlError: TomlError });

;// CONCATENATED MODULE: ./src/config/toml.ts



function toml_isTable(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
/** How a key is written in messages and diffs: registry."docker.io".mirrors */
function keyPath(parts) {
    return parts
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p)}`))
        .join('');
}
/**
 * The shape checks buildx and BuildKit need from a base config. buildx 0.29 panics (a Go
 * stack trace, exit 2) on a keypair without `key` or `cert`, on a `ca` that is not an array
 * of strings, and on a registry entry that is not a table
 * (https://github.com/docker/buildx/blob/master/util/confutil/container.go); catch them
 * here, with the key named.
 */
function checkConfigTree(tree, input) {
    const fail = (parts, what) => {
        throw new InputError(input, undefined, `${keyPath(parts)} ${what}`);
    };
    if ('debug' in tree && typeof tree.debug !== 'boolean')
        fail(['debug'], 'must be true or false');
    if (!('registry' in tree))
        return;
    const registries = tree.registry;
    if (!toml_isTable(registries))
        return fail(['registry'], 'must be a table of [registry."<host>"] sections');
    for (const [host, conf] of Object.entries(registries)) {
        const at = (...rest) => ['registry', host, ...rest];
        // The key is the host BuildKit looks the section up by, and becomes a directory of the
        // certificate copies: held to the rules of the registry inputs (hosts.ts), but for _,
        // which host names on a docker network have (compose services) and base configs use.
        const problem = hostProblem(host.replace(/_/g, '-'));
        if (problem === CREDENTIALS)
            fail(['registry'], `has a section whose name ${CREDENTIALS.replace(/^the host /, '')}`);
        if (problem)
            fail(at(), `is not a registry section: its name must be a ${HOST_FORMAT} (${problem.replace(/^the host/, 'the name')})`);
        if (!toml_isTable(conf))
            fail(at(), 'must be a table');
        const reg = conf;
        for (const flag of ['http', 'insecure']) {
            if (flag in reg && typeof reg[flag] !== 'boolean')
                fail(at(flag), 'must be true or false');
        }
        for (const list of ['mirrors', 'ca']) {
            if (!(list in reg))
                continue;
            const v = reg[list];
            if (!Array.isArray(v) || v.some(x => typeof x !== 'string' || x === '')) {
                fail(at(list), 'must be an array of non-empty strings');
            }
        }
        if ('keypair' in reg) {
            const kps = reg.keypair;
            if (!Array.isArray(kps))
                return fail(at('keypair'), 'must be an array of [[keypair]] tables');
            kps.forEach((kp, i) => {
                if (!toml_isTable(kp))
                    fail(at('keypair', i), 'must be a table with cert and key');
                const t = kp;
                for (const k of ['cert', 'key']) {
                    if (typeof t[k] !== 'string' || t[k] === '') {
                        fail(at('keypair', i), `has no ${k}; a client keypair needs both cert and key (buildx crashes on one without the other)`);
                    }
                }
            });
        }
    }
}
/**
 * Merges the structured settings over the base config. Scalars and `mirrors` from the
 * inputs replace the base's value (each replacement is reported); `ca` and `keypair` are
 * taken whole from the settings, because the plan has already moved the base config's own
 * certificates into them.
 */
function mergeConfig(base, top, registries) {
    const tree = structuredClone(base ?? {});
    const overrides = [];
    const set = (table, parts, key, value) => {
        if (key in table && !sameValue(table[key], value)) {
            overrides.push({ key: keyPath([...parts, key]), from: table[key], to: value });
        }
        table[key] = value;
    };
    if (top.debug !== undefined)
        set(tree, [], 'debug', top.debug);
    if (top.workerOci) {
        // Network settings: a base config that says otherwise was refused earlier (networkConflicts).
        if (!toml_isTable(tree.worker))
            tree.worker = {};
        const worker = tree.worker;
        if (!toml_isTable(worker.oci))
            worker.oci = {};
        for (const [k, v] of Object.entries(top.workerOci))
            set(worker.oci, ['worker', 'oci'], k, v);
    }
    if (registries.size === 0)
        return { tree, overrides };
    if (!toml_isTable(tree.registry))
        tree.registry = {};
    const regs = tree.registry;
    // Hosts in code-point order (not localeCompare, whose first call sets up a collator: ~15 ms).
    for (const [host, s] of [...registries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (!toml_isTable(regs[host]))
            regs[host] = {};
        const reg = regs[host];
        const parts = ['registry', host];
        if (s.mirrors !== undefined)
            set(reg, parts, 'mirrors', s.mirrors);
        if (s.http !== undefined)
            set(reg, parts, 'http', s.http);
        if (s.insecure !== undefined)
            set(reg, parts, 'insecure', s.insecure);
        if (s.ca !== undefined)
            reg.ca = s.ca;
        else
            delete reg.ca;
        if (s.keypair !== undefined)
            reg.keypair = s.keypair.map(kp => ({ cert: kp.cert, key: kp.key }));
        else
            delete reg.keypair;
    }
    return { tree, overrides };
}
/** The TOML text of a tree; '' for an empty one. */
function renderToml(tree) {
    const text = stringify(tree).trim();
    return text === '' ? '' : `${text}\n`;
}
/** Structural equality of TOML values (numbers compared by value, bigint or not). */
function sameValue(a, b) {
    if (a === undefined || b === undefined)
        return a === b;
    if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
        // NaN is TOML's nan, the same value when written back (buildx writes nan too); with a
        // bigint on either side (an integer beyond 2^53), compare exactly.
        if (typeof a === 'number' && typeof b === 'number')
            return a === b || (Number.isNaN(a) && Number.isNaN(b));
        return String(a) === String(b);
    }
    if (a instanceof Date || b instanceof Date) {
        return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
    }
    if (Array.isArray(a) || Array.isArray(b)) {
        return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
    }
    if (toml_isTable(a) || toml_isTable(b)) {
        if (!toml_isTable(a) || !toml_isTable(b))
            return false;
        const ka = Object.keys(a);
        return ka.length === Object.keys(b).length && ka.every(k => k in b && sameValue(a[k], b[k]));
    }
    return a === b;
}

;// CONCATENATED MODULE: ./src/docker/mirror-refs.ts



/**
 * The docker.io mirrors of a config tree, in BuildKit's order (`[registry."docker.io"]
 * mirrors`), with each mirror host's own section. `caHosts`: the registries a CA is given for.
 */
function hubMirrorsOf(tree, caHosts) {
    const regs = isTable(tree.registry) ? tree.registry : {};
    const hub = regs[DOCKER_HUB];
    const mirrors = isTable(hub) && Array.isArray(hub.mirrors) ? hub.mirrors.filter(m => typeof m === 'string') : [];
    return mirrors.map(mirror => {
        const slash = mirror.indexOf('/');
        const host = slash === -1 ? mirror : mirror.slice(0, slash);
        const section = isTable(regs[host]) ? regs[host] : {};
        return {
            mirror,
            host,
            path: slash === -1 ? '' : mirror.slice(slash).replace(/\/+$/, ''),
            // BuildKit: with http unset, a loopback host is spoken to over plain HTTP (hosts.ts isLoopback).
            http: section.http === true || (section.http === undefined && isLoopback(host)),
            insecure: section.insecure === true,
            ca: caHosts.has(host) || (Array.isArray(section.ca) && section.ca.length > 0)
        };
    });
}
/**
 * The reference of a Docker Hub image on a mirror (`host/path/<repository>[:tag][@digest]`),
 * or why there is none: the mirror's path must make a valid image name (lower case).
 */
function mirror_refs_mirrorReference(ref, m) {
    const name = `${m.host}${m.path}/${ref.repository}`;
    const text = name + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
    const parsed = parseImageRef(text);
    if (typeof parsed === 'string')
        return { problem: `its path makes no image name for ${ref.normalised}: ${parsed}` };
    return text;
}
/**
 * What the engine needs to reach a mirror that BuildKit reaches with the config, for the
 * warning when the engine could not: the engine reads neither the action's config nor
 * registry-certs.
 */
function mirror_refs_engineReachNotes(m) {
    const notes = [];
    const local = isLoopback(m.host);
    if (m.http && !local) {
        notes.push(`${m.host} is plain HTTP: the Docker engine pulls over plain HTTP only from a loopback address or a host in its insecure-registries (daemon.json)`);
    }
    if (m.insecure && !local) {
        notes.push(`${m.host} is insecure = true: the Docker engine skips certificate checks only for a host in its insecure-registries (daemon.json)`);
    }
    if (m.ca) {
        notes.push(`the CA given for ${m.host} reaches BuildKit, not the Docker engine, which reads /etc/docker/certs.d/${m.host}/ca.crt on the engine's host`);
    }
    return notes;
}
/** A reference when it names a Docker Hub image, parsed; undefined for any other registry's (or no valid reference). */
function mirror_refs_hubImage(value) {
    const parsed = parseImageRef(value);
    return typeof parsed !== 'string' && parsed.registry === DOCKER_HUB ? parsed : undefined;
}

;// CONCATENATED MODULE: ./src/docker/through-mirror.ts


/** The words the log, the summary and the `nodes` output use for the source of an image. */
function sourceText(s) {
    return s.mirror === undefined ? 'original reference' : `docker.io mirror ${s.mirror}`;
}
/**
 * Tries each mirror in order with `fetch` (a pull through the engine, or a check where the
 * engine is not the one that pulls); the first that serves the image wins. `what` names the
 * image's use for messages ("the first node's BuildKit image").
 */
async function through_mirror_throughMirrors(what, original, mirrors, fetch) {
    const failures = [];
    for (const m of mirrors) {
        const ref = mirrorReference(original, m);
        if (typeof ref !== 'string') {
            failures.push(`mirror ${m.mirror}: ${ref.problem}`);
            continue;
        }
        try {
            const got = await fetch(ref);
            log.info(`${what} ${original.input}: ${got.how} ${ref} from the docker.io mirror ${m.mirror}, digest ${got.digest}`);
            return { ref, original: original.input, mirror: m.mirror, digest: got.digest };
        }
        catch (err) {
            const notes = engineReachNotes(m);
            failures.push(`mirror ${m.mirror} (${ref}): ${err.message}${notes.length > 0 ? ` [${notes.join('; ')}]` : ''}`);
        }
    }
    log.warning(`${what} ${original.input} is not taken from a docker.io mirror: ${failures.join('; ')}. Using the original reference, which is ` +
        'pulled from Docker Hub (set image-via-mirror: false to skip the mirrors for it)');
    return { ref: original.input, original: original.input };
}

;// CONCATENATED MODULE: ./src/drivers/node-images.ts





// The step "Take the BuildKit image from the docker.io mirror": each node's image, when it is
// a Docker Hub image, fetched where the node runs from the config's docker.io mirrors, so
// that buildx is given the mirror's reference and nothing asks Docker Hub
// (docker/through-mirror.ts). Each node's engine pulls for itself; a kubelet can only be given
// the reference (the driver's BuilderImage says how).
/** Whether the step runs: a driver whose nodes run an image, image-via-mirror on, a docker.io mirror. */
function takesImagesFromMirror(driver, inputs, mirrors) {
    return driver.builderImage !== undefined && inputs.imageViaMirror && mirrors.length > 0;
}
/**
 * Each node's image source, by the nodes' order; undefined for a node whose image the
 * action does not choose (not a Docker Hub image, or the CNI image built on the runner).
 */
async function nodeImages(driver, inputs, mirrors) {
    const image = driver.builderImage;
    if (!image)
        return [];
    // One fetch per engine and reference: nodes on one engine share its image store.
    const fetched = new Map();
    const sources = [];
    for (const n of inputs.nodes) {
        const ref = nodeImage(n.driverOpts, inputs.cni, image);
        const hub = ref === undefined ? undefined : hubImage(ref);
        if (ref !== undefined && hub === undefined)
            log.info(`${n.label}: ${ref} is not a Docker Hub image: buildx is given it as it is`);
        if (hub === undefined) {
            sources.push(undefined);
            continue;
        }
        const fetch = (r) => {
            const key = `${n.endpoint}\0${r}`;
            if (!fetched.has(key))
                fetched.set(key, image.fetch(n.endpoint, r));
            return fetched.get(key);
        };
        sources.push(await throughMirrors(`${n.label}: BuildKit image`, hub, mirrors, fetch));
    }
    return sources;
}
/**
 * The image buildx would run for a node: cni-image's, else its last image= (buildx keeps the
 * last), else the driver's default; undefined with cni: true, whose image is built on the runner.
 */
function nodeImage(driverOpts, cni, image) {
    if (cni !== undefined && 'build' in cni)
        return undefined;
    if (cni !== undefined && 'image' in cni)
        return cni.image;
    return driverOptValue(driverOpts, 'image') ?? image.defaultFor(driverOpts);
}
/**
 * A node's driver options with the mirror's reference last, when a mirror served the image
 * (buildx keeps the last image=); as they are on fallback, where buildx takes the original.
 */
function withImage(driverOpts, source) {
    return source?.mirror !== undefined ? [...driverOpts, `image=${source.ref}`] : [...driverOpts];
}
/** How the CNI image's base comes from the mirrors: pulled on the runner's engine, which builds the image; undefined when they are off. */
function baseViaMirror(mirrors) {
    if (mirrors.length === 0)
        return undefined;
    return ref => throughMirrors("the CNI image's base (buildkit-image)", ref, mirrors, r => docker.pullImage([], r));
}

;// CONCATENATED MODULE: ./src/drivers/common.ts









// What several drivers do alike: claim a free name, create and boot the nodes, read what is at
// their places, take a docker endpoint, plan nodes that take the config.
/**
 * The name asked for, once buildx's own record says no builder has it (read without a
 * process, and nothing of it printed), or that the builder of that name is a kept one of this
 * action, which the next steps compare with the inputs (verify/kept.ts). docker/setup-buildx-action
 * uses an existing builder as it is; this action refuses any other: a builder it did not
 * create can't be verified against its plan, and one that another run will remove (its
 * cleanup is on) must not be shared, nor removed by this run's post step. `keptOf` reads a
 * node's kept mark (drivers/<name>/owner.ts); a driver without one never reuses.
 */
function claimFreeName(asked, keptOf) {
    const found = builderOwner(asked, rec => (keptOf !== undefined && isKept(rec, keptOf) ? 'kept' : ''));
    if (found !== undefined) {
        if (found === 'kept') {
            log_info(`builder ${asked} exists, kept by an earlier run of this action (cleanup: false): it is compared with the inputs next`);
            return asked;
        }
        throw new Error(`a builder named "${asked}" already exists and is not a kept builder of this action; ` +
            'choose another name (or leave name empty for a generated one), ' +
            `or remove it with "docker buildx rm ${asked}" (docker/setup-buildx-action would use it as it is; ` +
            'this action reuses only a builder an earlier run of it kept with cleanup: false, ' +
            'and otherwise sets up, verifies and removes a builder of its own)');
    }
    log_info(`no builder named ${asked} yet`);
    return asked;
}
/** Whether every node of a builder's record carries the kept mark (one created by a run with cleanup: false). */
function isKept(rec, keptOf) {
    return rec.Nodes.length > 0 && rec.Nodes.every(n => keptOf(n.DriverOpts) !== undefined);
}
/**
 * Creates the builder's nodes. One node: create --bootstrap. Several: each is recorded first
 * (create, create --append, no daemon started), then all start at once: appending to a
 * builder whose first node runs makes buildx dial that node's daemon (builder.go Create:
 * LoadNodes WithData), and booting them together starts the nodes in parallel (Boot).
 */
async function createNodes(plan) {
    for (const node of plan.nodes)
        await createBuilder(node.createArgs);
    if (plan.nodes.length > 1)
        await bootBuilder(bootArgs(plan.builder));
}
/** What really is at each node's place, for the nodes whose driver has one (in the nodes' order). */
async function occupantsOf(driver, nodes) {
    const seen = await Promise.all(nodes.map(n => driver.occupant(n)));
    return nodes.flatMap((n, i) => {
        const s = seen[i];
        return s === undefined ? [] : [{ node: { name: n.Name, label: n.label, place: s.place }, occupant: s.occupant }];
    });
}
/**
 * Before create: no node's container or Deployment may exist yet, whoever made it. buildx
 * would take it over, and removing this run's builder would remove it (ownership.ts).
 */
async function checkPlaces(driver, plan, owner) {
    const nodes = plan.nodes.flatMap(n => {
        const rec = plannedRecord(n);
        return rec === undefined ? [] : [{ ...rec, label: n.label }];
    });
    const found = await occupantsOf(driver, nodes);
    if (found.length === 0) {
        log.info(`the ${driver.name} driver has no container or Deployment of its own to check`);
        return;
    }
    const refused = refusal(found, owner);
    if (refused !== undefined)
        throw new Error(refused);
    for (const f of found)
        log.info(`node ${f.node.name}: no ${f.node.place} yet`);
}
// A docker context name (docker/cli: ^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$) or a URL.
const CONTEXT_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;
const DOCKER_HOST_RE = /^(unix|tcp|ssh|npipe|fd):\/\/\S*$/;
/**
 * An endpoint as the docker-container (and docker) driver takes it: a docker context or a
 * docker host (buildx builder.go validateEndpoint); '' is the current context.
 */
function dockerEndpointProblem(endpoint) {
    if (endpoint === '')
        return undefined;
    const dash = optionLike(endpoint);
    if (dash)
        return dash;
    if (DOCKER_HOST_RE.test(endpoint) || CONTEXT_RE.test(endpoint))
        return undefined;
    return `"${endpoint}" is neither a docker context name nor a docker host (unix://, tcp://, ssh://)`;
}
/**
 * The nodes of a driver that takes the config: `buildx create` (then `--append`) with the
 * config, the node's driver options, the feature's (CNI) and the image the action chose, with
 * the driver's owner `mark` (and its kept mark with cleanup: false), and daemon flags.
 * buildx names the first node <builder>0 (store/nodegroup.go nextNodeName: create without
 * --node, every driver). `daemonFlags` turns a node's flags into what buildx is given
 * (kubernetes adds the config's path).
 */
function planConfigNodes(driver, ctx, o) {
    const { inputs, configPath, owner, addition, images } = ctx;
    // cleanup: false keeps the builder: the kept mark lets a later run with this name reuse it (verify/kept.ts).
    const kept = inputs.cleanup ? undefined : keptValue(inputs.keepState);
    const nodes = inputs.nodes.map((n, i) => ({
        label: n.label,
        name: i === 0 ? buildx_nodeName(inputs.name) : n.name,
        endpoint: n.endpoint,
        image: images[i],
        createArgs: createArgs({
            name: inputs.name,
            driver,
            configPath,
            driverOpts: o.mark(owner, withImage([...n.driverOpts, ...(addition.driverOpts ?? [])], images[i]), kept),
            buildkitdFlags: o.daemonFlags ? o.daemonFlags(n.buildkitdFlags) : n.buildkitdFlags,
            use: inputs.use,
            append: i > 0,
            // Several nodes are booted together once all are recorded (createNodes).
            bootstrap: inputs.nodes.length === 1,
            node: i === 0 ? undefined : n.name,
            platforms: n.platforms,
            endpoint: n.endpoint
        }),
        args: ['--config', CONTAINER_CONFIG_FILE, ...n.buildkitdFlags],
        platforms: n.platforms
    }));
    return { nodes, dirs: [], files: [] };
}
/**
 * How long names may be. ValidateName sets no length (store/util.go), but a docker-container
 * node's state volume is named buildx_buildkit_<node>_state (driver/docker-container/driver.go:
 * the container name plus volumeStateSuffix "_state"), which is a directory under
 * /var/lib/docker/volumes, and a file name is at most 255 bytes: the engine refuses longer
 * ("file name too long", measured with docker volume create) after buildx has recorded the
 * builder. So a node name is at most 255 - 16 - 6 = 233 characters, and a builder name at most
 * 231, so that the node names buildx gives, <builder><n>, fit for n up to 99. The other drivers
 * keep these limits too (a name that fits every driver moves between them); the remote driver's
 * builder name is shorter (remote/inputs.ts REMOTE_NAME_LIMIT).
 */
const MAX_NODE_NAME = 255 - 'buildx_buildkit_'.length - '_state'.length;
/** A node name's limit: its state volume's name. */
const CONTAINER_NODE_LIMIT = {
    length: MAX_NODE_NAME,
    why: "buildx names the node's state volume buildx_buildkit_<name>_state, and a file name has at most 255"
};
/** A builder name's limit: the state volume's name of its nodes <name><n>, n up to 99. */
const CONTAINER_NAME_LIMIT = {
    length: MAX_NODE_NAME - 2,
    why: "buildx names each node's state volume buildx_buildkit_<name><n>_state, and a file name has at most 255"
};
/**
 * The image of a node that a cluster's kubelet pulls: the runner can't fetch it there, so it
 * asks the registry for the manifest (only the reference given to buildx reaches the
 * kubelet). buildx's default is the rootless image with rootless=true and no image=
 * (driver/kubernetes/factory.go processDriverOpts; strconv.ParseBool's true values).
 */
const kubeletImage = {
    defaultFor: opts => (/^(1|t|true)$/i.test(driver_opts_driverOptValue(opts, 'rootless') ?? '') ? DEFAULT_ROOTLESS_IMAGE : DEFAULT_BUILDKIT_IMAGE),
    fetch: (_endpoint, ref) => registryDigest(ref)
};

;// CONCATENATED MODULE: ./src/drivers/docker-container/driver.ts







// buildx's docker-container driver: each node's daemon runs in the container
// buildx_buildkit_<node> on the engine of the node's endpoint, a docker context or host
// (driver/docker-container/driver.go). The docker CLI reaches it with --context or --host.
const at = (node) => ({
    engine: engineArgs(node.Endpoint),
    container: nodeContainer(node.Name)
});
const dockerContainer = {
    name: 'docker-container',
    createsBuilder: true,
    takesConfig: true,
    defaultFlags: DEFAULT_FLAGS,
    maxBuilderName: CONTAINER_NAME_LIMIT,
    maxNodeName: CONTAINER_NODE_LIMIT,
    nodeEndpoints: true,
    usesEngine: true,
    endpointProblem: dockerEndpointProblem,
    // Every input works with this driver: it is the one the action is made for.
    inputProblems: () => [],
    keptKeysPlace: "in the builder's container (/etc/buildkit/certs)",
    nodeOnCurrentContext: true,
    // Each node's engine pulls the image for itself (driver.go create: ImageCreate on the node's engine).
    builderImage: {
        defaultFor: () => DEFAULT_BUILDKIT_IMAGE,
        fetch: (endpoint, ref) => pullImage(engineArgs(endpoint), ref)
    },
    planNodes: ctx => planConfigNodes('docker-container', ctx, { mark: withEnvMark }),
    claim: async (asked) => claimFreeName(asked, keptFromEnvOpt),
    keptOf: keptFromEnvOpt,
    create: createNodes,
    readBackNode: async (plan, node) => {
        const seen = await readBackContainer(at(node), plan.expect.files.map(f => f.path));
        return { daemon: 'error' in seen.workers ? seen.workers : daemonOf(seen.workers.text), readBack: seen.readBack };
    },
    readsDaemonLog: true,
    resolve: (node, refs) => resolveInBuilder(at(node), refs),
    logSince: (node, since) => daemonLogSince(at(node), since),
    running: node => cli_containerRunning(at(node)),
    logTail: async (node, lines) => ((await containerExists(at(node))) ? daemonLogTail(at(node), lines) : ''),
    owner: builder => builderOwner(builder, envMarkOf),
    withoutOwner: withoutEnvMark,
    nodes: builder => builderNodes(builder),
    occupant: async (node) => {
        const c = at(node);
        const place = `container ${c.container}${node.Endpoint ? ` on ${node.Endpoint}` : ''}`;
        try {
            const env = await cli_containerEnv(c);
            return { place, occupant: env === undefined ? { state: 'free' } : { state: 'taken', owner: ownerFromEnv(env) } };
        }
        catch (err) {
            return { place, occupant: { state: 'unknown', error: err.message } };
        }
    },
    leave: (builder, node) => leaveNode(leaveArgs(builder, node)),
    remove: (builder, keepState, keepDaemon) => keepDaemon
        ? removeBuilder(rmArgs(builder, keepState, true))
        : removeDaemonBuilder(builder, builderNodes(builder).map(n => ({ ...at(n), volume: nodeVolume(n.Name) })), keepState, { recordArgs: rmArgs(builder, keepState, true), fallbackArgs: rmArgs(builder, keepState) })
};
function daemonOf(workersJson) {
    try {
        return parseWorkers(workersJson);
    }
    catch (err) {
        return { error: err.message };
    }
}

;// CONCATENATED MODULE: ./src/buildkit/buildx-inspect.ts
// `docker buildx inspect`'s text (commands/inspect.go at buildx v0.29.1): the builder, then
// per node its name, endpoint, status or error, BuildKit version, platforms and the first
// worker's labels. For docker-container builders the same output lists every copied file,
// keys included: only drivers that copy none (docker, remote) parse it, and it is never
// printed. Pure.
/**
 * The text of `docker buildx inspect` (commands/inspect.go, v0.29.1: a tabwriter of
 * `Key:  value` lines; indented lines belong to the key above them). For a docker-container
 * builder it holds every copied file, keys included: parse it, never print it.
 */
function parseInspect(text) {
    const out = { name: '', driver: '', nodes: [] };
    let node;
    let section = '';
    let inNodes = false;
    for (const line of text.split(/\r?\n/)) {
        if (line.trim() === '')
            continue;
        if (/^\s/.test(line)) {
            if (node && section === 'Labels')
                addLabel(node, line);
            continue;
        }
        if (line.trim() === 'Nodes:') {
            inNodes = true;
            continue;
        }
        const m = /^([^:]+?):\s*(.*)$/.exec(line);
        if (!m)
            continue;
        const [, key, value] = m;
        section = key;
        if (!inNodes) {
            setBuilderField(out, key, value);
        }
        else if (key === 'Name') {
            node = { name: value, endpoint: '', status: '', platforms: [], configured: [], labels: {} };
            out.nodes.push(node);
        }
        else if (node) {
            setNodeField(node, key, value);
        }
    }
    for (const n of out.nodes)
        n.network = n.labels['org.mobyproject.buildkit.worker.network'];
    return out;
}
/** Adds the label an indented line of a node's Labels section gives (`  key: value`). */
function addLabel(node, line) {
    const m = /^\s+(\S+?):\s*(.*)$/.exec(line);
    if (m)
        node.labels[m[1]] = m[2].trim();
}
/** Sets the builder's name, driver or error from a line above the nodes; other keys are ignored. */
function setBuilderField(out, key, value) {
    if (key === 'Name')
        out.name = value;
    else if (key === 'Driver')
        out.driver = value;
    else if (key === 'Error')
        out.error = value;
}
/** Sets the field of a node that a `Key: value` line gives; other keys are ignored. */
function setNodeField(node, key, value) {
    switch (key) {
        case 'Endpoint':
            node.endpoint = value;
            break;
        case 'Status':
            node.status = value;
            break;
        case 'Error':
            node.error = value;
            break;
        case 'BuildKit version':
            node.version = value;
            break;
        case 'Platforms':
            addPlatforms(node, value);
            break;
    }
}
/** Adds the platforms of a Platforms line: each without buildx's `*`, and the starred ones to the configured ones too. */
function addPlatforms(node, value) {
    for (const p of value
        .split(',')
        .map(s => s.trim())
        .filter(s => s !== '')) {
        const bare = p.replace(/\*$/, '');
        node.platforms.push(bare);
        if (p.endsWith('*'))
            node.configured.push(bare);
    }
}
/**
 * The daemon's answer for one node, from `buildx inspect --bootstrap`. buildx lists the
 * workers (builder/node.go loadData) but prints neither their number nor their IDs: a running
 * node with labels or platforms has at least one, reported as 1.
 */
function daemonFromInspect(info, nodeName) {
    if (info.error)
        return { error: info.error };
    const n = info.nodes.find(x => x.name === nodeName);
    if (!n)
        return { error: `buildx inspect lists no node ${nodeName}` };
    if (n.error)
        return { error: n.error };
    if (n.status !== 'running')
        return { error: `buildx reports the node ${n.status || 'without a status'} (it could not list the daemon's workers at ${n.endpoint})` };
    const daemonPlatforms = n.platforms.filter(p => !n.configured.includes(p));
    if (Object.keys(n.labels).length === 0 && daemonPlatforms.length === 0) {
        return { error: 'the daemon reports no workers: BuildKit answers but can run no build' };
    }
    return { version: n.version ?? 'unknown', platforms: n.platforms, network: n.network, workers: 1 };
}

;// CONCATENATED MODULE: ./src/drivers/docker/inputs.ts
const DAEMON_JSON = "the engine's /etc/docker/daemon.json (restart dockerd after changing it)";
const OR_CONTAINER = 'or use driver: docker-container, which this action configures and verifies';
function dockerDriverProblems(inputs, get) {
    const problems = [];
    const set = (name) => get(name).trim() !== '';
    const refuse = (input, instead) => {
        problems.push({
            input,
            message: `the docker driver uses the Docker engine's own BuildKit, which takes no BuildKit config: ${instead}; ${OR_CONTAINER}`
        });
    };
    for (const input of ['buildkitd-config', 'buildkitd-config-inline']) {
        if (set(input))
            refuse(input, `its settings are ${DAEMON_JSON} ("registry-mirrors", "insecure-registries", "features", "builder")`);
    }
    if (set('mirrors'))
        refuse('mirrors', `set "registry-mirrors" in ${DAEMON_JSON} (the engine mirrors Docker Hub only)`);
    if (set('http-registries'))
        refuse('http-registries', `list the hosts under "insecure-registries" in ${DAEMON_JSON} (it allows plain HTTP too)`);
    if (set('insecure-registries'))
        refuse('insecure-registries', `list the hosts under "insecure-registries" in ${DAEMON_JSON}`);
    if (set('registry-certs'))
        refuse('registry-certs', "put the files in /etc/docker/certs.d/<host[:port]>/ on the engine's host (ca.crt, client.cert, client.key)");
    if (set('debug'))
        refuse('debug', `set "debug": true in ${DAEMON_JSON}`);
    for (const input of ['cni', 'cni-image', 'cni-subnet', 'cni-config', 'cni-plugins-version', 'cni-plugins-url', 'buildkit-image']) {
        if (set(input) && !(input === 'cni' && get(input).trim().toLowerCase() === 'false'))
            refuse(input, "the engine's builds use the engine's networks");
    }
    if (set('buildkitd-flags'))
        refuse('buildkitd-flags', 'the engine starts its BuildKit itself, with no daemon flags to give');
    if (inputs.nodes[0].driverOpts.length > 0)
        refuse('driver-opts', 'the docker driver takes no driver options');
    for (const input of ['endpoint', 'platforms', 'append']) {
        if (set(input))
            problems.push({
                input,
                message: `the docker driver's builder is one node, the docker context's engine; ${OR_CONTAINER} (nodes elsewhere, fixed platforms)`
            });
    }
    // setup-buildx-action: "Cannot use keep-state with docker driver".
    if (inputs.keepState)
        problems.push({ input: 'keep-state', message: "the docker driver's builder is never removed, so there is no state to keep" });
    if (inputs.verifyPull.length > 0 || inputs.checkRegistries) {
        problems.push({
            input: inputs.verifyPull.length > 0 ? 'verify-pull' : 'check-registries',
            message: 'the docker driver has no builder container to resolve in: the engine resolves with its own registry settings; prove them with docker pull, or ' +
                'use driver: docker-container'
        });
    }
    return problems;
}

;// CONCATENATED MODULE: ./src/drivers/docker/driver.ts










// buildx's docker driver: the builder is the Docker engine's own BuildKit, named after the
// docker context (buildx builder/builder.go: a context's builder has one node whose
// endpoint is the context; `docker buildx inspect default` shows it). It takes no BuildKit
// config (its inputs.ts refuses every config input with the engine's daemon.json settings
// instead), this action creates nothing for it and the post step never removes it.
// Verification can only report what the daemon says: its version and platforms.
const none = async () => '';
const engine = {
    name: 'docker',
    createsBuilder: false,
    takesConfig: false,
    defaultFlags: DEFAULT_FLAGS,
    maxBuilderName: CONTAINER_NAME_LIMIT,
    maxNodeName: CONTAINER_NODE_LIMIT,
    nodeEndpoints: true,
    usesEngine: true,
    endpointProblem: dockerEndpointProblem,
    inputProblems: dockerDriverProblems,
    keptKeysPlace: "in the builder's container (/etc/buildkit/certs)",
    prepare: () => {
        const defaultFile = defaultConfigPath(process.env, external_node_os_namespaceObject.homedir());
        if (external_node_fs_namespaceObject.existsSync(defaultFile))
            log_info(`${defaultFile} is ignored: the docker driver's builder is the engine's own BuildKit, which takes no config`);
    },
    // Planned like a docker-container node; nothing is created from it.
    planNodes: ctx => planConfigNodes('docker', ctx, { mark: (_owner, opts) => [...opts] }),
    claim: async (asked, given) => {
        const context = await currentContext();
        // setup-buildx-action, too, names this builder after the context and ignores `name`.
        if (given && asked !== context)
            log_warning(`name "${asked}" is ignored: the docker driver's builder is the docker context's own, "${context}"`);
        log_info(`the docker driver's builder: ${context}, the engine's own BuildKit (nothing is created or removed)`);
        return context;
    },
    // Nothing to create: only `use` has something to do.
    create: async (plan) => {
        if (plan.use)
            await useBuilder(plan.builder);
    },
    readBackNode: async (plan) => {
        // No files are copied into this builder, so its inspect output holds nothing secret;
        // it is still never printed.
        const res = await inspectBuilder(plan.builder);
        if (res.exitCode !== 0)
            return {
                daemon: {
                    error: `docker buildx inspect ${plan.builder} failed (exit code ${res.exitCode}): ${res.stderr.trim().split('\n').pop() ?? ''}`
                }
            };
        // The context's builder has one node, named after the context.
        return { daemon: daemonFromInspect(parseInspect(res.stdout), plan.builder) };
    },
    readsDaemonLog: false,
    resolve: () => Promise.reject(new Error('the docker driver has no builder container to resolve in')),
    logSince: none,
    logTail: none,
    // A context's builder is not in buildx's instance records: nothing of this run's to own.
    owner: () => undefined,
    withoutOwner: optionLines,
    nodes: builder => [{ Name: builder, Endpoint: builder }],
    remove: () => Promise.resolve({ ok: true, message: "the docker driver's builder is the engine's own: never removed" }),
    occupant: () => Promise.resolve(undefined),
    leave: () => Promise.resolve({ ok: true, message: "the docker driver's builder is the engine's own: nothing to leave" })
};

;// CONCATENATED MODULE: ./src/drivers/kubernetes/kubectl.ts



// buildx's kubernetes driver, the parts that need no cluster: where buildx puts things in
// the pods, how kubectl finds them and what kubectl prints (the inputs it can't take are
// inputs.ts'). Pure. Everything here follows docker/buildx v0.29.1:
//
// - The node's name is the Deployment's: buildx creates a node named by --node, else
//   <builder><n> (store/nodegroup.go Update → nextNodeName: `docker buildx inspect kt` shows
//   node kt0), and its kubernetes driver is given that name (builder/node.go LoadNodes:
//   driver.BuilderName(n.Name)), whose Deployment is that name with "_" turned into "-"
//   (driver/kubernetes/factory.go New → buildxNameToDeploymentName). On a real cluster
//   (v1.36.2, buildx 0.29.1 and 0.36.1) builder kt makes deployment.apps/kt0.
// - builder/builder.go Create records the endpoint
//   `kubernetes:///<builder>?deployment=<name>&kubeconfig=<$KUBECONFIG at create time>`,
//   where <name> is --node or else a random `buildkit-<uuid>-<5 hex>`
//   (driver/kubernetes/util/generate.go GenerateNodeName): only there so that two nodes'
//   endpoints differ ("to avoid duplicated endpoint"); no Deployment is named after it.
//   Only the kubeconfig is read from it.
// - factory.go New: the namespace is driver-opt `namespace`, else the
//   kubeconfig's (context/load.go ConfigFromEndpoint → clientcmd's Namespace(): the current
//   context's namespace, "default" when it names none) — kubectl's own rule, so kubectl is
//   given -n only when the driver-opt is set.
// - driver/kubernetes/manifest/manifest.go NewDeployment: label app=<deployment> on the
//   Deployment, its selector and its pods (custom `labels` are added to all three); one
//   container "buildkitd" whose args are exactly the buildkitd flags (no --config is added,
//   unlike driver/docker-container/driver.go); the files of util/confutil/container.go
//   LoadConfigFiles go into one ConfigMap per directory: buildkitd.toml into
//   "<deployment>-config", mounted at /etc/buildkit; each registry's certificates into
//   "<deployment>-config-<n>" (n follows Go's map order: not predictable), mounted at
//   /etc/buildkit/certs/<host, runs of [^a-zA-Z0-9.-] as _>. So the pod has every file at
//   the path the docker-container driver copies it to (config/paths.ts containerCertPath), and the
//   config's rewritten cert paths are the same: plan.expect applies unchanged.
// - driver/kubernetes/podchooser ListRunningPods: the daemons buildx dials are the pods of
//   that selector in phase Running, sorted by name; with replicas > 1 each is a daemon of its
//   own, so every one is verified.
/** The container buildx runs the daemon in (manifest.go containerName). */
const KUBE_CONTAINER = 'buildkitd';
/** The Deployment of a node (factory.go buildxNameToDeploymentName). */
function deploymentName(node) {
    return node.replace(/_/g, '-');
}
/**
 * Name limits: a node's Deployment name is also the value of its pods' `app` label
 * (manifest.go), and Kubernetes takes at most 63 characters in a label value; a builder's
 * nodes are <builder><n>, n up to 99.
 */
const KUBE_NODE_LIMIT = {
    length: 63,
    why: "buildx names the node's Deployment after it, and its pods' label app=<name> takes at most 63 characters"
};
const KUBE_NAME_LIMIT = {
    length: KUBE_NODE_LIMIT.length - 2,
    why: "buildx names each node's Deployment <name><n>, and its pods' label app=<name><n> takes at most 63 characters"
};
/** The label selector of a node's pods (manifest.go LabelApp). */
function podSelector(node) {
    return `app=${deploymentName(node)}`;
}
function parseKubeEndpoint(endpoint) {
    let u;
    try {
        u = new URL(endpoint);
    }
    catch {
        return undefined;
    }
    if (u.protocol !== 'kubernetes:')
        return undefined;
    return {
        builder: decodeURIComponent(u.pathname.replace(/^\//, '')),
        deployment: u.searchParams.get('deployment') ?? '',
        kubeconfig: u.searchParams.get('kubeconfig') ?? ''
    };
}
/**
 * kubectl's flags for a node. buildx loads the recorded kubeconfig as the explicit path
 * (context/load.go ConfigFromEndpoint); a list of paths can't be one --kubeconfig, so it is
 * left to $KUBECONFIG, which kubectl reads the same way.
 */
function kubeTarget(node) {
    const ep = parseKubeEndpoint(node.Endpoint);
    const global = [];
    if (ep && ep.kubeconfig !== '' && !ep.kubeconfig.includes(':'))
        global.push('--kubeconfig', ep.kubeconfig);
    const ns = namespaceOf(node.DriverOpts);
    if (ns !== undefined)
        global.push('--namespace', ns);
    return {
        global,
        deployment: deploymentName(node.Name),
        namespace: ns ?? "the kubeconfig's current namespace"
    };
}
/** driver-opt namespace, or undefined: the kubeconfig's current namespace applies ("default" if none). */
function namespaceOf(driverOpts) {
    const ns = driverOpts?.namespace;
    return ns === undefined || ns === '' ? undefined : ns;
}
/** driver-opt replicas (factory.go: 1 unless given). */
function replicasOf(driverOpts) {
    const n = Number.parseInt(driverOpts?.replicas ?? '', 10);
    return Number.isFinite(n) && n >= 0 ? n : 1;
}
/** The node's Deployment as JSON; nothing on stdout when there is none. */
function getDeploymentArgs(t) {
    return [...t.global, 'get', 'deployment', t.deployment, '--ignore-not-found', '--output', 'json'];
}
function getPodsArgs(t) {
    return [...t.global, 'get', 'pods', '--selector', `app=${t.deployment}`, '--output', 'json'];
}
/** `kubectl exec` of a script in the daemon's container; `args` become $1… */
function execArgs(t, pod, script, args) {
    return [...t.global, 'exec', pod, '--container', KUBE_CONTAINER, '--', 'sh', '-c', script, 'sh', ...args];
}
/**
 * `kubectl logs` since a moment (unix seconds). The API takes sinceTime in whole seconds
 * (metav1.Time is RFC 3339 without fractions): rounded down, so nothing after `since` is lost.
 */
function logsSinceArgs(t, pod, since) {
    const at = new Date(Math.floor(since) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return [...t.global, 'logs', pod, '--container', KUBE_CONTAINER, `--since-time=${at}`];
}
function logsTailArgs(t, pod, lines) {
    return [...t.global, 'logs', pod, '--container', KUBE_CONTAINER, `--tail=${lines}`];
}
const KUBECTL_VERSION_ARGS = ['version', '--client'];
/** `kubectl get pods -o json`: a List of Pods. Sorted by name, as buildx's pod chooser sorts them. */
function parsePods(json) {
    let data;
    try {
        data = JSON.parse(json);
    }
    catch {
        throw new Error(`kubectl get pods printed something that is not JSON: ${redact_redact(json.slice(0, 200))}`);
    }
    const items = data?.items;
    if (!Array.isArray(items))
        throw new Error('kubectl get pods printed JSON without an items list');
    return items
        .map(p => {
        const containers = p.spec?.containers ?? [];
        const c = containers.find(x => x.name === KUBE_CONTAINER) ?? containers[0];
        return {
            name: p.metadata?.name ?? '(unnamed)',
            phase: p.status?.phase ?? 'Unknown',
            args: c?.args ?? [],
            deleting: p.metadata?.deletionTimestamp !== undefined
        };
    })
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
/** One pod's `kubectl exec` of READ_BACK_SCRIPT (buildkit/read-back.ts) with its spec's args, as verification reads them. */
function podSeen(exec, pod, files) {
    return parseReadBack(exec, { cmd: pod.args }, files, 'the pod');
}
/**
 * The daemon flags to give buildx for a kubernetes node: the config's path first. buildx
 * adds no --config for this driver (manifest.go: args are the flags as given), so the daemon
 * reads /etc/buildkit/buildkitd.toml only by its own default, and a rootless daemon
 * (driver-opt rootless=true) looks in ~/.config/buildkit instead and would run without the
 * config. Naming it makes both read the mounted file, and makes the pod's args what the plan
 * expects of every node (drivers/common.ts planConfigNodes: ['--config', CONTAINER_CONFIG_FILE, ...flags]).
 */
function kubernetesDaemonFlags(flags) {
    return ['--config', CONTAINER_CONFIG_FILE, ...flags];
}
// ---------------------------------------------------------------------------------------
// Inputs this driver can't take

;// CONCATENATED MODULE: ./src/drivers/kubernetes/inputs.ts


// The inputs the kubernetes driver can't take, each with what to do instead. Pure.
/**
 * Every input that can't work with the kubernetes driver, each naming its input; [] for
 * another driver. Called by inputs/inputs.ts (this driver's rules) once the inputs are read.
 */
function kubernetesInputProblems(inputs) {
    if (inputs.driver !== 'kubernetes')
        return [];
    return [
        ...keysInConfigmapProblems(inputs),
        ...cniBuildProblems(inputs),
        ...inputs.nodes.flatMap(nodeProblems),
        ...keepStateProblems(inputs)
    ];
}
/** A registry client key, which this driver would put into a ConfigMap, unless allow-keys-in-configmap says that is acceptable. */
function keysInConfigmapProblems(inputs) {
    const ns = namespaceOf(Object.fromEntries(driverOptFields(inputs.nodes[0]?.driverOpts ?? []).map(o => [o.key, o.value])));
    const where = ns === undefined ? "the builder's namespace" : `namespace ${ns}`;
    // manifest.go puts every file of the config, keys included, into ConfigMap data; reading a
    // ConfigMap needs only `get configmaps` in its namespace, which many roles grant that
    // would never grant `get secrets`.
    const keyed = inputs.certRequests.filter(r => r.keypairs.length > 0);
    if (keyed.length === 0 || inputs.allowKeysInConfigmap === true)
        return [];
    const kp = keyed[0].keypairs[0].key;
    return [
        {
            input: kp.input,
            line: kp.line,
            message: `the client key for ${keyed[0].registry} would be stored in a ConfigMap: buildx's ` +
                `kubernetes driver hands the config and every certificate file to its pods as ConfigMaps, ` +
                `and ConfigMaps are not secret — anyone who can read ConfigMaps in ${where} can read the key. ` +
                'Set allow-keys-in-configmap: true if that is acceptable (e.g. a namespace of its own), or give only a CA'
        }
    ];
}
/** cni: true, whose image is built on the runner, where the cluster can't pull it. */
function cniBuildProblems(inputs) {
    if (!(inputs.cni && 'build' in inputs.cni))
        return [];
    return [
        {
            input: 'cni',
            message: "true builds the CNI image on the runner's Docker engine, which the cluster can't pull from; " +
                'push a CNI image to a registry the cluster can reach and pass it as cni-image (or use cni: bridge)'
        }
    ];
}
/** A node's endpoint, which this driver refuses, and a node name Kubernetes would refuse as its Deployment's. */
function nodeProblems(n) {
    const problems = [];
    if (n.endpoint !== '') {
        problems.push({
            input: n.append === undefined ? 'endpoint' : 'append',
            message: `${n.append === undefined ? '' : `${n.label}: `}the kubernetes driver takes no endpoint (buildx refuses it: "kubernetes driver ` +
                `does not support endpoint args"); choose the cluster with KUBECONFIG and the namespace with driver-opts namespace=`
        });
    }
    if (n.name !== undefined) {
        const d = deploymentName(n.name);
        // The Deployment's name is also the value of its pods' app label: at most 63
        // characters, a letter or digit at each end (Kubernetes label values).
        if (d.length > 63 || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(d)) {
            problems.push({
                input: 'append',
                message: `${n.label}: node name "${n.name}" becomes Deployment "${d}" and pod label app=${d}, which Kubernetes refuses: at most 63 ` +
                    `characters, lower case letters, digits, "-" and ".", a letter or digit at each end`
            });
        }
    }
    return problems;
}
/** keep-state, whose state the pods hold and buildx rm deletes. */
function keepStateProblems(inputs) {
    if (!inputs.keepState)
        return [];
    return [
        {
            input: 'keep-state',
            message: "Cannot use keep-state with kubernetes driver (as docker/setup-buildx-action says): the daemon's state lives in the pods, which buildx rm " +
                'deletes with the Deployment'
        }
    ];
}
/** buildx: "kubernetes driver does not support endpoint args" (builder.go Create). */
function kubernetesEndpointProblem(endpoint) {
    if (endpoint === '')
        return undefined;
    return 'the kubernetes driver takes no endpoint (buildx refuses it); choose the cluster with KUBECONFIG and the namespace with driver-opts namespace=';
}

;// CONCATENATED MODULE: ./src/drivers/kubernetes/owner.ts


// The kubernetes driver's owner mark: a label. buildx's kubernetes factory took env.* only
// from v0.28.0 (factory.go processDriverOpts `strings.HasPrefix(k, "env.")`); v0.12.0 to
// v0.27.x end with "invalid driver option env.… for driver kubernetes". It has taken
// `labels=k=v[,k=v]` since v0.12.0: labels land on the Deployment, its selector and its pods
// (manifest.go), and buildx keeps the opt in the builder's record like any other, so the mark
// is readable both from the record and from the cluster
// (kubectl get deploy -l buildkit-builder-action/owner=<owner>).
//
// buildx reads every --driver-opt as CSV and keeps one value per key (builder.go csvToMap:
// the last wins), so the mark must be merged into a labels opt the user gives, not given
// beside it. A builder kept with cleanup: false carries the label <KEPT_LABEL>=<keptValue> in
// the same opt, which a later run reads to reuse it. Pure.
/** The driver-opt that carries the mark, alone. */
function labelMarkOpt(owner) {
    return `labels=${OWNER_LABEL}=${owner}`;
}
/**
 * A node's driver-opts with the mark in them (and the kept mark, when `kept` is given): a
 * `labels` opt the user gives (on its own or inside a CSV line) gets the marks added to it, so
 * that neither replaces the other in buildx's map. None when owner is ''.
 */
function withLabelMark(owner, driverOpts, kept) {
    if (owner === '')
        return [...driverOpts];
    const userLabels = [];
    const rest = [];
    for (const line of driverOpts) {
        const fields = csv_csvFields(line);
        const others = fields.filter(f => {
            if (!f.startsWith('labels='))
                return true;
            userLabels.push(f.slice('labels='.length).replace(/^"|"$/g, ''));
            return false;
        });
        if (others.length === fields.length)
            rest.push(line);
        else if (others.length > 0)
            rest.push(others.map(csvQuote).join(','));
    }
    // The last labels opt is the one buildx keeps; the mark's key wins over a user's same key.
    const user = userLabels.length > 0 ? userLabels[userLabels.length - 1].split(',').filter(kv => kv !== '' && !isMark(kv)) : [];
    const marks = [`${owner_mark_OWNER_LABEL}=${owner}`, ...(kept === undefined ? [] : [`${KEPT_LABEL}=${kept}`])];
    return [...rest, csvQuote(`labels=${[...user, ...marks].join(',')}`)];
}
/** Whether a `k=v` pair of a labels opt is one of this action's marks. */
const isMark = (kv) => [owner_mark_OWNER_LABEL, KEPT_LABEL].includes(kv.split('=')[0]);
/** The labels of a recorded `labels` opt (factory.go splitMultiValues: quotes trimmed, `,` between pairs). */
const labelPairs = (labels) => labels.replace(/^"|"$/g, '').split(',');
/**
 * The mark in a node's recorded DriverOpts, the `labels` value (splitMultiValues in
 * factory.go: quotes trimmed, `,` between pairs, `=`): undefined when there is none.
 */
function ownerFromLabelsOpt(opts) {
    return labelOf(opts, owner_mark_OWNER_LABEL);
}
/** The kept mark's value in a node's recorded DriverOpts: undefined when the builder is not kept. */
function keptFromLabelsOpt(opts) {
    return labelOf(opts, KEPT_LABEL);
}
function labelOf(opts, key) {
    const labels = opts?.labels;
    if (labels === undefined)
        return undefined;
    for (const kv of labelPairs(labels)) {
        const [k, v, ...more] = kv.split('=');
        if (k === key && v !== undefined && more.length === 0)
            return v;
    }
    return undefined;
}
/** A node's recorded driver options as `key=value` lines, without the marks (for outputs, and to compare a kept builder's). */
function withoutLabelMark(opts) {
    return Object.entries(opts ?? {}).flatMap(([k, v]) => {
        if (k !== 'labels')
            return [`${k}=${v}`];
        const rest = labelPairs(v).filter(kv => kv !== '' && !isMark(kv));
        return rest.length > 0 ? [`labels=${rest.join(',')}`] : [];
    });
}
/** The owner mark in a builder's record ('' when no node carries one). */
function labelMarkOf(rec) {
    return rec.Nodes.map(n => ownerFromLabelsOpt(n.DriverOpts)).find(v => v !== undefined) ?? '';
}
/** The mark a Deployment really carries, from its metadata.labels: '' when it carries none. */
function ownerFromLabels(labels) {
    return labels?.[owner_mark_OWNER_LABEL] ?? '';
}

;// CONCATENATED MODULE: ./src/drivers/kubernetes/driver.ts












// buildx's kubernetes driver: each node is a Deployment whose pods (driver-opt replicas)
// each run a daemon of their own, with the config and certificates mounted from ConfigMaps
// (kubectl.ts says where, from buildx v0.29.1's driver/kubernetes). buildx creates
// and removes them; kubectl reads them back, every pod, because buildx sends each build to
// one of them (podchooser: sticky by context path, or random) and a pod that runs without the
// config would fail only the builds that land on it.
/** Throws a clear error when kubectl is not there: it is how the builder's pods are verified. */
async function kubectlCheck() {
    let res;
    try {
        res = await exec_run('kubectl', KUBECTL_VERSION_ARGS);
    }
    catch {
        throw new Error("kubectl is not installed or not on PATH: the kubernetes driver needs it to read the config back from the builder's pods " +
            '(buildx itself talks to the cluster without it); install it first, e.g. with azure/setup-kubectl');
    }
    if (res.exitCode !== 0) {
        throw new Error(`kubectl version --client failed (exit code ${res.exitCode}): ${(res.stderr || res.stdout).trim().split('\n').pop() ?? ''}`);
    }
}
/** buildx's record of a node (namespace and replicas are in its DriverOpts), by its endpoint. */
function recordOf(node) {
    const builder = parseKubeEndpoint(node.Endpoint)?.builder;
    const rec = builder === undefined ? undefined : builderNodes(builder).find(n => n.Name === node.Name);
    return rec ?? { Name: node.Name, Endpoint: node.Endpoint };
}
/** The node's pods that are not being deleted, by name (podchooser.ListRunningPods order). */
async function podsOf(t) {
    const res = await exec_runChecked(`kubectl get pods of deployment ${t.deployment} (${t.namespace})`, 'kubectl', getPodsArgs(t));
    return parsePods(res.stdout).filter(p => !p.deleting);
}
async function runningPods(t) {
    const pods = (await podsOf(t)).filter(p => p.phase === 'Running');
    if (pods.length === 0)
        throw new Error(`deployment ${t.deployment} (${t.namespace}) has no running pod`);
    return pods;
}
const kubernetes = {
    name: 'kubernetes',
    createsBuilder: true,
    takesConfig: true,
    defaultFlags: DEFAULT_FLAGS,
    maxBuilderName: KUBE_NAME_LIMIT,
    maxNodeName: KUBE_NODE_LIMIT,
    // A node is a Deployment in the kubeconfig's cluster: no endpoint of its own.
    nodeEndpoints: false,
    // buildx's kubernetes driver talks to the cluster only (checked: create, inspect and rm with
    // DOCKER_HOST on a socket nobody serves).
    usesEngine: false,
    endpointProblem: kubernetesEndpointProblem,
    inputProblems: inputs => kubernetesInputProblems(inputs),
    keptKeysPlace: "in the builder's ConfigMaps",
    // The owner mark is a `labels=` driver option, which buildx's kubernetes factory takes from v0.12.0.
    oldestBuildx: 'v0.12.0',
    builderImage: kubeletImage,
    planNodes: ctx => planConfigNodes('kubernetes', ctx, { mark: withLabelMark, daemonFlags: kubernetesDaemonFlags }),
    claim: async (asked) => {
        // kubectl first: verification needs it, and nothing is created until it is there.
        await kubectlCheck();
        return claimFreeName(asked, keptFromLabelsOpt);
    },
    keptOf: keptFromLabelsOpt,
    create: createNodes,
    readBackNode: async (plan, node, compare) => readBackPods(plan, node, compare),
    readsDaemonLog: true,
    resolve: async (node, refs) => {
        // The first running pod, as logSince reads: the proof's log lines must come from the
        // daemon that resolved.
        const t = kubeTarget(recordOf(node));
        const [pod] = await runningPods(t);
        return exec_run('kubectl', execArgs(t, pod.name, RESOLVE_SCRIPT, refs));
    },
    logSince: async (node, since) => {
        const t = kubeTarget(recordOf(node));
        const [pod] = await runningPods(t);
        const res = await exec_runChecked(`reading the daemon's log of pod ${pod.name}`, 'kubectl', logsSinceArgs(t, pod.name, since));
        return `${res.stdout}\n${res.stderr}`;
    },
    logTail: async (node, lines = 30) => {
        const t = kubeTarget(recordOf(node));
        let pods;
        try {
            pods = await podsOf(t);
        }
        catch {
            return '';
        }
        const tails = await Promise.all(pods.map(async (p) => {
            const res = await exec_run('kubectl', logsTailArgs(t, p.name, lines));
            const text = `${res.stdout}${res.stderr}`.trim();
            return pods.length > 1 ? `--- pod ${p.name} (${p.phase}) ---\n${text}` : text;
        }));
        return tails.join('\n');
    },
    owner: builder => builderOwner(builder, labelMarkOf),
    withoutOwner: withoutLabelMark,
    nodes: builder => builderNodes(builder),
    occupant: async (node) => {
        const t = kubeTarget(node);
        const place = `Deployment ${t.deployment} (${t.namespace})`;
        const res = await exec_run('kubectl', getDeploymentArgs(t)).catch((err) => ({ exitCode: 1, stdout: '', stderr: err.message }));
        if (res.exitCode !== 0)
            return { place, occupant: { state: 'unknown', error: lastLine(res.stderr || res.stdout) } };
        // --ignore-not-found: nothing on stdout when there is no such Deployment.
        if (res.stdout.trim() === '')
            return { place, occupant: { state: 'free' } };
        try {
            const d = JSON.parse(res.stdout);
            return { place, occupant: { state: 'taken', owner: ownerFromLabels(d.metadata?.labels) } };
        }
        catch (err) {
            return { place, occupant: { state: 'unknown', error: `kubectl's answer is not JSON: ${err.message}` } };
        }
    },
    leave: (builder, node) => leaveNode(leaveArgs(builder, node)),
    remove: (builder, keepState, keepDaemon) => removeBuilder(rmArgs(builder, keepState, keepDaemon))
};
/**
 * Every pod of the node, each with one `kubectl exec`; compared with the plan here, pod by
 * pod, because the ReadBackResult has room for one daemon: all pods agree with the plan → the
 * first pod's findings; otherwise the failing pods, named, as the errors.
 */
async function readBackPods(plan, node, compare) {
    const recorded = builderNodes(plan.builder);
    const i = recorded.findIndex(n => n.Name === node.Name);
    const rec = recorded[i] ?? { Name: node.Name, Endpoint: node.Endpoint };
    const planned = plan.nodes[i] ?? plan.nodes[0];
    const t = kubeTarget(rec);
    const files = plan.expect.files.map(f => f.path);
    let pods;
    try {
        pods = await podsOf(t);
    }
    catch (err) {
        const error = err.message;
        return { daemon: { error }, readBack: { error } };
    }
    const wanted = replicasOf(rec.DriverOpts);
    const failures = [];
    const running = pods.filter(p => p.phase === 'Running');
    for (const p of pods)
        if (p.phase !== 'Running')
            failures.push(`pod ${p.name} is ${p.phase}, not Running`);
    if (running.length < wanted) {
        failures.push(`deployment ${t.deployment} (${t.namespace}) has ${running.length} running pod(s) of the ${wanted} asked for (replicas)`);
    }
    if (running.length === 0) {
        const error = failures.join('; ');
        return { daemon: { error }, readBack: { error } };
    }
    const seen = await Promise.all(running.map(async (p) => ({ pod: p, ...podSeen(await exec_run('kubectl', execArgs(t, p.name, READ_BACK_SCRIPT, files)), p, files) })));
    let firstDaemon;
    let daemonError;
    for (const [k, s] of seen.entries()) {
        const who = `pod ${s.pod.name}${running.length > 1 ? ` (replica ${k + 1} of ${running.length})` : ''}`;
        let daemon;
        if ('error' in s.workers) {
            daemonError ??= `${who}: ${s.workers.error}`;
        }
        else {
            try {
                daemon = parseWorkers(s.workers.text);
                firstDaemon ??= daemon;
            }
            catch (err) {
                daemonError ??= `${who}: ${err.message}`;
            }
        }
        if ('error' in s.readBack) {
            failures.push(`${who}: ${s.readBack.error}`);
            continue;
        }
        const problems = compare(plan.expect, planned, s.readBack, daemon);
        if (problems.length > 0)
            failures.push(`${who} differs from the plan:\n${problems.map(p => `  ${p}`).join('\n')}`);
        else
            log_info(`${who} of Deployment ${t.deployment} (${t.namespace}): read back, as planned`);
    }
    const first = seen[0];
    return {
        daemon: daemonError !== undefined ? { error: daemonError } : (firstDaemon ?? { error: 'no pod answered' }),
        readBack: failures.length > 0 ? { error: failures.join('\n') } : first.readBack
    };
}

;// CONCATENATED MODULE: ./src/runner/run-dir.ts



// The run's own directory under RUNNER_TEMP: buildkitd.toml and the certificate copies.
// Everything the run writes is inside it, so post removes one directory.
const PREFIX = 'buildkit-builder-';
function tempRoot() {
    return process.env.RUNNER_TEMP || external_node_os_namespaceObject.tmpdir();
}
/**
 * A new directory only this user can read (mkdtemp makes it 0700), in RUNNER_TEMP. The
 * runner makes RUNNER_TEMP; one that is missing or not writable is an error naming it, and
 * nothing is made in its place (a directory made here would be left behind).
 */
function createRunDir() {
    const root = tempRoot();
    const name = process.env.RUNNER_TEMP ? `RUNNER_TEMP (${root})` : `the temporary directory ${root}`;
    if (!fs.existsSync(root))
        throw new Error(`${name} does not exist; the runner sets RUNNER_TEMP to a directory it made`);
    try {
        return fs.mkdtempSync(path.join(root, PREFIX));
    }
    catch (err) {
        const code = err.code;
        const why = code === 'EROFS'
            ? 'is on a read-only file system'
            : code === 'EACCES' || code === 'EPERM'
                ? 'is not writable by this user'
                : `can't take a new directory (${code})`;
        throw new Error(`${name} ${why}: the action writes buildkitd.toml and the certificates there`, { cause: err });
    }
}
function writePlanFiles(plan) {
    for (const dir of plan.dirs) {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        fs.chmodSync(dir, 0o700);
    }
    // 'wx': never write through a file or link that is already there.
    if (plan.writesConfig)
        fs.writeFileSync(plan.configPath, plan.configText, { mode: 0o644, flag: 'wx' });
    for (const f of plan.files) {
        fs.writeFileSync(f.hostPath, f.content, { mode: f.mode, flag: 'wx' });
        fs.chmodSync(f.hostPath, f.mode); // the umask may have taken bits; set exactly
    }
}
/**
 * Removes a run directory. Only a directory this action names (its prefix, directly under
 * a temp root) is removed, whatever the saved state says.
 */
function removeRunDir(dir) {
    if (dir === '' || !external_node_path_namespaceObject.basename(dir).startsWith(PREFIX))
        return false;
    if (!external_node_fs_namespaceObject.existsSync(dir))
        return false;
    external_node_fs_namespaceObject.rmSync(dir, { recursive: true, force: true });
    return true;
}

;// CONCATENATED MODULE: ./src/drivers/remote/buildx-args.ts
// The remote driver's buildx command lines: its nodes' create, and verify-pull from the runner
// (a build's outline through the builder). Pure.
/**
 * `docker buildx create` for a remote node: no --config and no --buildkitd-flags, which the
 * remote driver refuses (factory.go New), and no owner env option (refused as well).
 */
function remoteCreateArgs(o) {
    const args = ['buildx', 'create', ...(o.append ? ['--append'] : []), ...(o.bootstrap === false ? [] : ['--bootstrap']), '--name', o.name];
    if (!o.append)
        args.push('--driver', 'remote');
    if (o.node)
        args.push('--node', o.node);
    for (const opt of o.driverOpts)
        args.push('--driver-opt', opt);
    if (o.platforms && o.platforms.length > 0)
        args.push('--platform', o.platforms.join(','));
    if (o.use && !o.append)
        args.push('--use');
    args.push(o.endpoint);
    return args;
}
// ---------------------------------------------------------------------------------------
// verify-pull from the runner
/**
 * `docker buildx build` of a Dockerfile `FROM <ref>` with the outline subrequest through the
 * builder: the remote daemon resolves the reference with its own registry config (manifest
 * and config, no layers), as RESOLVE_SCRIPT makes buildctl do inside a container builder.
 * `--call` is buildx >= 0.15's (older ones had the experimental --print). The metadata file
 * names the build's history record, removed afterwards.
 */
function outlineArgs(builder, dir, metadataFile) {
    return ['buildx', 'build', '--builder', builder, '--call', 'outline', '--progress', 'plain', '--metadata-file', metadataFile, dir];
}
/** The history record a build left (`buildx.build.ref`: builder/node/ref), from its metadata file. */
function historyRef(metadataJson) {
    try {
        const ref = JSON.parse(metadataJson)['buildx.build.ref'];
        return typeof ref === 'string' && ref.includes('/') ? ref.slice(ref.lastIndexOf('/') + 1) : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * One resolution in the marker format of RESOLVE_SCRIPT (buildkit/resolve.ts parseResolveOutput), with
 * buildx's final `ERROR: failed to build: failed to solve: …` (cmd/buildx/main.go,
 * commands/build.go) written as buildctl's `error: failed to solve: …`, which buildctlError reads.
 */
function resolveRecord(index, stderr, exitCode, seconds) {
    const lines = stderr
        .split(/\r?\n/)
        .map(l => l.replace(/^ERROR: (failed to build: )?/, 'error: '))
        .filter((l, i, all) => l !== '' || i < all.length - 1)
        .slice(-40);
    const body = lines.filter(l => l !== '').length === 0 ? '' : `${lines.join('\n').replace(/\n*$/, '')}\n`;
    return `@@resolve-begin ${index}\n${body}@@resolve-end ${index} ${exitCode} ${seconds}\n`;
}

;// CONCATENATED MODULE: ./src/drivers/remote/inputs.ts




// The remote driver's input rules: the builder is a record that points at BuildKit daemons
// that run already (driver/remote, docker/buildx v0.29.1). Pure: inputs in, problems and the
// parsed TLS options out; driver.ts runs the driver.
//
// What buildx's sources say (v0.29.1):
// - driver/remote/factory.go New: any config file ("setting config file is not supported for
//   remote driver") and any daemon flag ("setting buildkit flags is not supported for remote
//   driver") are refused; the only driver options are servername, cacert, cert, key and
//   default-load, anything else is "invalid driver option X for remote driver" (so the
//   owner mark env.<NAME>= of the docker-container driver can't be used here); cacert, cert
//   and key must be absolute paths; TLS needs cacert; cert and key go together; servername
//   defaults to the endpoint's host name.
// - driver/remote/driver.go Dial: loadTLS reads the three files on every dial, so they must
//   exist for as long as the builder is used.
// - builder/builder.go Create: without --config, buildx takes buildkitd.default.toml when
//   there is one, which the remote driver then refuses; the endpoint is checked by
//   driver/remote/util/endpoint.go IsValidEndpoint (docker-container, kube-pod, npipe, ssh,
//   tcp, unix).
// - commands/inspect.go: the text `docker buildx inspect` prints (parseInspect).
/** How to give the remote daemon a setting: where it runs, not here. */
const WHERE_IT_RUNS = 'the remote driver connects to a BuildKit daemon that already runs, and buildx refuses a config for it ("setting config file is not supported for ' +
    'remote driver"): the daemon\'s own buildkitd.toml applies. ' +
    'Set it where the daemon runs: start it with buildkitd --config /path/to/buildkitd.toml, or mount the file at /etc/buildkit/buildkitd.toml in its ' +
    'container (or pod)';
/** The driver options buildx's remote driver accepts (driver/remote/factory.go, v0.29.1). */
const REMOTE_DRIVER_OPTS = ['servername', 'cacert', 'cert', 'key', 'default-load'];
/** The options of one driver-opts line: buildx reads it as CSV (csv.ts), so `cacert=/a,servername=b` is two. */
function optionFields(line) {
    return csv_csvFields(line)
        .map(f => f.trim())
        .filter(f => f !== '');
}
const TLS_KIND = { cacert: 'ca', cert: 'cert', key: 'key' };
/**
 * The variables docker/setup-buildx-action reads a remote node's TLS material from (PEM
 * text): BUILDER_NODE_<n>_AUTH_TLS_CACERT, _CERT and _KEY, n being 0 for the first node and
 * 1, 2, … for append's nodes in order (setup-buildx-action src/context.ts
 * builderNodeEnvPrefix, src/main.ts nodeIndex).
 */
function tlsVarNames(node) {
    const prefix = `BUILDER_NODE_${node.append === undefined ? 0 : node.append + 1}_AUTH_TLS_`;
    return { cacert: `${prefix}CACERT`, cert: `${prefix}CERT`, key: `${prefix}KEY` };
}
/** True for an endpoint setup-buildx-action gives the variables to: a URL whose scheme is tcp. */
function tcpEndpoint(endpoint) {
    try {
        return new URL(endpoint).protocol === 'tcp:';
    }
    catch {
        return false;
    }
}
/**
 * The node's BUILDER_NODE_<n>_AUTH_TLS_* variables that are set (an empty one too: it is
 * refused as empty when read), by option, read as docker/actions-toolkit reads them
 * (buildx/buildx.ts resolveCertsDriverOpts: only for an endpoint whose URL scheme is tcp:,
 * and only with the remote driver, which is the only one that asks here). `ignored`: the
 * ones set for a node that is not on tcp://, which setup-buildx-action ignores too.
 */
function tlsFromEnv(node, env) {
    const names = tlsVarNames(node);
    const set = Object.keys(names).filter(k => env[names[k]] !== undefined);
    if (!tcpEndpoint(node.endpoint))
        return { vars: {}, ignored: set.map(k => names[k]) };
    return { vars: Object.fromEntries(set.map(k => [k, names[k]])), ignored: [] };
}
/**
 * Splits a node's driver options into the TLS ones and the rest. cacert=, cert= and key= are
 * a file path (relative to the workspace: the action copies it and gives buildx the absolute
 * path it needs) or env:NAME, as in registry-certs; `fromEnv` names the variables that give
 * an option instead (tlsFromEnv), which may not be given in driver-opts as well. Throws an
 * InputError naming the input.
 */
function parseRemoteTls(driverOpts, input = 'driver-opts', fromEnv = {}) {
    const tls = { other: [] };
    // Checked before any other rule and never echoed: such an option is (part of) a key or a
    // certificate pasted in, and any other message could quote it.
    if (driverOpts.some(o => looksLikePem(o) || optionFields(o).some(f => looksLikePem(f.slice(f.indexOf('=') + 1))))) {
        throw new errors_InputError(input, undefined, 'holds PEM text; put the PEM in a secret and pass it as env:NAME (e.g. cacert=env:BUILDKIT_CA, with env: BUILDKIT_CA: ${{ secrets.BUILDKIT_CA }} ' +
            'on the step)');
    }
    const seen = new Set();
    for (const field of driverOpts.flatMap(optionFields)) {
        const eq = field.indexOf('=');
        const key = eq === -1 ? field : field.slice(0, eq);
        const value = eq === -1 ? '' : field.slice(eq + 1);
        if (key === 'cacert' || key === 'cert' || key === 'key' || key === 'servername') {
            if (seen.has(key))
                throw new errors_InputError(input, undefined, `${key}= is given twice`);
            seen.add(key);
            if (value === '' || value === 'env:') {
                throw new errors_InputError(input, undefined, key === 'servername' ? 'servername= has no name' : `${key}= has no file path or env:NAME`);
            }
            if (key === 'servername')
                tls.servername = value;
            else
                tls[key] = { kind: TLS_KIND[key], ref: value, input };
        }
        else
            tls.other.push(field);
    }
    for (const [key, name] of Object.entries(fromEnv)) {
        // setup-buildx-action appends the variables' options after driver-opts, and buildx keeps
        // the last value of a key without a word (driver-opts are a map): refused instead.
        if (tls[key]) {
            throw new errors_InputError(input, undefined, `${key}= is given both here and by the environment variable ${name} (docker/setup-buildx-action's TLS variables for remote nodes); ` +
                'buildx would silently keep one of them: give it in one place');
        }
        tls[key] = { kind: TLS_KIND[key], ref: `env:${name}`, input };
    }
    // buildx's own rules (driver/remote/factory.go New), told before anything runs.
    if (tls.cert && !tls.key)
        throw new errors_InputError(input, undefined, 'cert= has no key=; a client certificate needs its key');
    if (tls.key && !tls.cert)
        throw new errors_InputError(input, undefined, 'key= has no cert=; a client key needs its certificate');
    if (!tls.cacert && (tls.cert || tls.servername !== undefined)) {
        throw new errors_InputError(input, undefined, `${tls.cert ? 'cert= and key=' : 'servername='} need cacert=, the CA that signed the daemon's certificate (buildx: "tls enabled, but missing ` +
            `keys cacert")`);
    }
    return tls;
}
/**
 * The BUILDER_NODE_<n>_AUTH_TLS_* variables that are set and go to no node, each with why:
 * its node is not on tcp:// (setup-buildx-action ignores them there too), or there is no
 * node n. Only the names are told, never the values.
 */
function tlsVarWarnings(nodes, env) {
    const warnings = nodes.flatMap(n => tlsFromEnv(n, env).ignored.map(name => `${name} is set, but ${n.label}'s endpoint (${n.endpoint}) is not tcp://: ignored, as docker/setup-buildx-action ignores it`));
    for (const name of Object.keys(env).sort()) {
        const m = /^BUILDER_NODE_(\d+)_AUTH_TLS_(CACERT|CERT|KEY)$/.exec(name);
        if (m && Number(m[1]) >= nodes.length) {
            warnings.push(`${name} is set, but the builder has no node ${m[1]} (0 is the first node, 1 the first of append, …): ignored`);
        }
    }
    return warnings;
}
/** A node's TLS options: its driver-opts and its BUILDER_NODE_<n>_AUTH_TLS_* variables (tlsFromEnv). */
function parseNodeTls(node, env = process.env) {
    return parseRemoteTls(node.driverOpts, nodeInput(node, 'driver-opts'), tlsFromEnv(node, env).vars);
}
/** True when the node talks TLS to its daemon (and so needs files that outlive nothing). */
function usesTls(tls) {
    return tls.cacert !== undefined;
}
/** What the inputs ask that the remote driver can't do, each with what to do instead. */
function remoteInputProblems(inputs, get, env = process.env) {
    const problems = [
        ...configProblems(inputs, get),
        ...daemonSettingProblems(get),
        ...daemonFlagProblems(get),
        ...networkAndImageProblems(get),
        ...noEffectProblems(get)
    ];
    const nodes = driverOptProblems(inputs.nodes, env);
    return [...problems, ...nodes.problems, ...cleanupProblems(inputs, nodes.tls)];
}
/** True when the input is given (not blank). */
function isSet(get, name) {
    return get(name).trim() !== '';
}
/** True when the input is true. */
function isTrue(get, name) {
    return get(name).trim().toLowerCase() === 'true';
}
/** A daemon setting the input asks for, refused: it is set where the daemon runs. */
function refuse(input, what) {
    return { input, message: `${what}: ${WHERE_IT_RUNS}` };
}
/** The base configs the remote driver refuses: the config inputs and a buildkitd.default.toml buildx would apply. */
function configProblems(inputs, get) {
    const problems = [];
    for (const name of ['buildkitd-config', 'buildkitd-config-inline']) {
        if (isSet(get, name))
            problems.push(refuse(name, "a base config can't be given to a remote daemon"));
    }
    if (inputs.baseConfig?.fromDefault) {
        problems.push({
            input: 'driver',
            message: `remote: buildx applies ${inputs.baseConfig.path ?? 'buildkitd.default.toml'} to every new builder (builder/builder.go Create), and the remote ` +
                `driver refuses any config, so buildx create would fail; ` +
                "move that file away for this job; the remote daemon's own buildkitd.toml applies (set it where the daemon runs)"
        });
    }
    return problems;
}
/** The inputs that are settings of the daemon's buildkitd.toml, each with where it goes there, in the order they are checked. */
const DAEMON_SETTINGS = [
    ['mirrors', 'registry mirrors are the daemon\'s ([registry."<host>"] mirrors = [...])'],
    ['http-registries', 'plain-HTTP registries are the daemon\'s ([registry."<host>"] http = true)'],
    ['insecure-registries', 'insecure registries are the daemon\'s ([registry."<host>"] insecure = true)'],
    [
        'registry-certs',
        'registry certificates are the daemon\'s ([registry."<host>"] ca = [...] and [[registry."<host>".keypair]], with the files where the daemon ' +
            'runs); the certificates for the connection to the daemon itself are driver-opts cacert=, cert=, key='
    ],
    ['debug', "debug logging is the daemon's (debug = true in its buildkitd.toml, or buildkitd --debug)"]
];
/** The registry and debug settings given, refused: they are the remote daemon's own. */
function daemonSettingProblems(get) {
    return DAEMON_SETTINGS.filter(([name]) => isSet(get, name)).map(([name, what]) => refuse(name, what));
}
/** Daemon flags, of the builder or of an appended node, which buildx refuses for the remote driver. */
function daemonFlagProblems(get) {
    const problems = [];
    if (isSet(get, 'buildkitd-flags')) {
        problems.push({
            input: 'buildkitd-flags',
            message: 'buildx refuses daemon flags for the remote driver ("setting buildkit flags is not supported for remote driver"): give them to buildkitd where ' +
                'it runs, or put the settings in its buildkitd.toml'
        });
    }
    // An appended node's buildkitd-flags (nodes.ts gives every node the default flags when it
    // has none, so the raw YAML is what tells whether they were written).
    if (/^[\s-]*buildkitd-flags\s*:/m.test(get('append'))) {
        problems.push({
            input: 'append',
            message: 'buildkitd-flags of a node: buildx refuses daemon flags for the remote driver ("setting buildkit flags is not supported for remote driver"); ' +
                'give them to buildkitd where it runs'
        });
    }
    return problems;
}
/** The network and image inputs given (cni: false asks nothing), refused: they are chosen where the daemon runs. */
function networkAndImageProblems(get) {
    const problems = [];
    for (const name of ['cni', 'cni-image', 'cni-subnet', 'cni-config', 'cni-plugins-version', 'cni-plugins-url', 'buildkit-image']) {
        if (!isSet(get, name) || (name === 'cni' && get(name).trim().toLowerCase() === 'false'))
            continue;
        problems.push(refuse(name, `the daemon's network and image are chosen where it runs (CNI: [worker.oci] networkMode = "cni" with cniConfigPath and cniBinaryPath in its ` +
            `buildkitd.toml, the plugins in its image)`));
    }
    return problems;
}
/** keep-state and check-registries set true, which can do nothing with a remote daemon. */
function noEffectProblems(get) {
    const problems = [];
    if (isTrue(get, 'keep-state')) {
        problems.push({
            input: 'keep-state',
            message: "true does nothing with the remote driver: the daemon's state is its own, and removing the builder removes only buildx's record of it"
        });
    }
    if (isTrue(get, 'check-registries')) {
        problems.push({
            input: 'check-registries',
            message: "the registries a remote daemon's config names are not known to this action (its buildkitd.toml is where it runs); list references in " +
                'verify-pull to prove that the daemon resolves them'
        });
    }
    return problems;
}
/** Each node's driver options the remote driver can't take, and whether any node talks TLS to its daemon. */
function driverOptProblems(nodes, env) {
    const problems = [];
    let tls = false;
    for (const node of nodes) {
        const input = nodeInput(node, 'driver-opts');
        try {
            const parsed = parseNodeTls(node, env);
            tls ||= usesTls(parsed);
            for (const o of parsed.other) {
                const problem = otherOptionProblem(input, o);
                if (problem)
                    problems.push(problem);
            }
        }
        catch (err) {
            if (!(err instanceof errors_InputError))
                throw err;
            problems.push({ input, message: err.message.replace(/^input "[^"]*": /, '') });
        }
    }
    return { problems, tls };
}
/** What is wrong with a driver option that is not a TLS one: a default-load that is no boolean, or any other option. */
function otherOptionProblem(input, o) {
    const key = o.split('=')[0];
    if (key === 'default-load') {
        if (/^(true|false|1|0|t|f|TRUE|FALSE|True|False)$/.test(o.slice(key.length + 1)))
            return undefined;
        return { input, message: `"${o}": default-load is true or false` };
    }
    return {
        input,
        message: `"${o}": the remote driver takes only ${REMOTE_DRIVER_OPTS.join(', ')} (buildx: "invalid driver option ${key} for remote ` +
            `driver"); the daemon's image, network and resources are set where it runs`
    };
}
/** cleanup: false with TLS files, which are deleted with the run directory that the kept builder reads them from. */
function cleanupProblems(inputs, tls) {
    if (!tls || inputs.cleanup)
        return [];
    return [
        {
            input: 'cleanup',
            message: 'false with cacert=, cert= or key= in driver-opts (or BUILDER_NODE_<n>_AUTH_TLS_* variables): buildx reads those files every time it ' +
                'connects to the daemon (driver/remote/driver.go Dial), and this action copies them into its run directory, which is deleted when the job ends; ' +
                'a builder left behind would then fail to connect. Keep cleanup: true, or create such a builder yourself with files that outlive the job'
        }
    ];
}
// The BuildKit addresses buildx's remote driver dials (util/remoteutil IsValidEndpoint).
const BUILDKIT_ADDR_RE = /^(tcp|unix|ssh|docker-container|kube-pod|npipe):\/\/\S+$/;
/** The daemon's address, which this driver can't do without. */
function remoteEndpointProblem(endpoint) {
    if (endpoint === '')
        return "the remote driver needs an endpoint, the BuildKit daemon's address (e.g. tcp://buildkitd:1234)";
    const dash = optionLike(endpoint);
    if (dash)
        return dash;
    return BUILDKIT_ADDR_RE.test(endpoint) ? undefined : `"${endpoint}" is not a BuildKit address; write tcp://host:port or unix:///path`;
}
/**
 * buildx keeps build records in a directory named after the first node (localstate:
 * ~/.docker/buildx/refs/<builder>/<node>/), and this driver's first node is
 * <builder>0-<owner uuid> (owner-mark.ts remoteNodeName): a file name has at most 255.
 */
const REMOTE_NAME_LIMIT = {
    length: 255 - '0-'.length - 36,
    why: "buildx keeps build records in a directory named after the first node, <name>0-<this run's owner mark>, and a file name has at most 255"
};

;// CONCATENATED MODULE: ./src/drivers/remote/tls.ts



/**
 * Reads and checks the TLS files as registry-certs' are (config/certs.ts): the key first (it is
 * registered as a secret before any check can fail and print something), then the CA and the
 * certificate; the key must match the certificate.
 */
function loadRemoteTls(tls, now = new Date(), env = process.env) {
    const notes = { warnings: [] };
    const key = tls.key ? loadPem(tls.key, notes, now, env) : undefined;
    const cacert = tls.cacert ? loadPem(tls.cacert, notes, now, env) : undefined;
    const cert = tls.cert ? loadPem(tls.cert, notes, now, env) : undefined;
    if (cert && key)
        checkKeyPair({ cert, key });
    return { tls: { cacert, cert, key, servername: tls.servername, other: tls.other }, warnings: notes.warnings };
}
const TLS_FILES = {
    cacert: ['ca.pem', 0o644, 'CA of the BuildKit daemon'],
    cert: ['client.crt', 0o644, 'client certificate for the BuildKit daemon'],
    key: ['client.key', 0o600, 'client key for the BuildKit daemon']
};
/**
 * The files to write for one node's TLS (under `dir`, e.g. <run dir>/remote/<node index>) and
 * the node's driver options with their absolute paths (buildx refuses relative ones). The
 * files have no place in the builder: containerPath is '' and they are not for
 * plan.expect.files.
 */
function remoteTlsFiles(tls, dir, node) {
    const files = [];
    const driverOpts = [];
    for (const k of ['cacert', 'cert', 'key']) {
        const pem = tls[k];
        if (!pem)
            continue;
        const [base, mode, what] = TLS_FILES[k];
        const hostPath = external_node_path_namespaceObject.join(dir, base);
        files.push({ hostPath, containerPath: '', content: pem.content, mode, sha256: pem.sha256, label: `${what} of ${node} (${pem.ref})` });
        driverOpts.push(csvQuote(`${k}=${hostPath}`));
    }
    if (tls.servername !== undefined)
        driverOpts.push(csvQuote(`servername=${tls.servername}`));
    driverOpts.push(...tls.other.map(csvQuote));
    return { dirs: files.length > 0 ? [dir] : [], files, driverOpts };
}

;// CONCATENATED MODULE: ./src/drivers/remote/owner.ts
// The remote driver's owner mark: its first node's name, <builder>0-<owner>. The driver takes
// no option to hold it (factory.go refuses unknown ones: "invalid driver option"), and
// buildx's record keeps node names. Pure.
/**
 * The first node's name, which carries this run's owner mark (store/nodegroup.go Node.Name,
 * validated by store/util.go ValidateName: letters, digits, ._-, lower-cased). With no owner
 * it is buildx's own choice, <builder>0.
 */
function remoteNodeName(builder, owner) {
    return owner === '' ? `${builder}0` : `${builder}0-${owner}`.toLowerCase();
}
/**
 * The owner mark of a remote builder from its recorded nodes: undefined when buildx has no
 * such builder (a record always has a node: store/nodegroup.go Leave refuses the last one),
 * '' when its first node carries none.
 */
function remoteOwnerOf(builder, nodes) {
    if (nodes.length === 0)
        return undefined;
    const prefix = `${builder.toLowerCase()}0-`;
    const first = nodes[0].Name;
    return first.startsWith(prefix) ? first.slice(prefix.length) : '';
}
/** The owner mark in a builder's record ('' when it has none). */
function remoteMarkOf(rec) {
    return remoteOwnerOf(rec.Name, rec.Nodes) ?? '';
}

;// CONCATENATED MODULE: ./src/drivers/remote/driver.ts


















// buildx's remote driver (driver/remote, docker/buildx v0.29.1): the builder is buildx's
// record of daemons that run elsewhere. Nothing is copied into them and their logs are not
// ours to read, so observation is the daemon's own answer through buildx (`buildx inspect
// --bootstrap`, read silently: for this driver it holds no files, but it is never printed
// all the same) and verify-pull runs from the runner through buildx (`buildx build --call
// outline`): the only way to prove what the remote daemon's own registry config does.
const remote = {
    name: 'remote',
    createsBuilder: true,
    takesConfig: false,
    // The daemon runs with its own flags: buildx refuses any for this driver.
    defaultFlags: [],
    maxBuilderName: REMOTE_NAME_LIMIT,
    maxNodeName: CONTAINER_NODE_LIMIT,
    nodeEndpoints: true,
    // buildx's remote driver dials the daemon itself (driver/remote/driver.go Dial): the engine
    // is never asked, and buildx may run standalone (checked: create, inspect --bootstrap, verify-pull
    // and rm with DOCKER_HOST on a socket nobody serves and no docker CLI on PATH). A docker-container://
    // endpoint is the exception: buildx reaches that daemon through the docker CLI.
    usesEngine: false,
    endpointProblem: remoteEndpointProblem,
    // Each node's TLS options (driver-opts and BUILDER_NODE_<n>_AUTH_TLS_*), checked as the nodes are read.
    checkNode: n => void parseNodeTls(n),
    inputProblems: remoteInputProblems,
    keptKeysPlace: "in the builder's container (/etc/buildkit/certs)",
    prepare: inputs => loadTls(inputs),
    planNodes: ctx => remoteNodes(ctx),
    claim: async (asked) => claimFreeName(asked),
    create: createNodes,
    readBackNode: async (plan, node) => ({ daemon: await inspectDaemon(plan.builder, node.Name) }),
    readsDaemonLog: false,
    resolve: (node, refs, builder) => resolveFromRunner(node, refs, builder),
    // A remote daemon's log can't be read from here. Not '': an empty log would tell verify/proof.ts
    // that no host failed, i.e. that the first host of the chain served every reference.
    logSince: () => Promise.reject(new Error("a remote daemon's log can't be read from the runner")),
    logTail: async () => '',
    owner: builder => builderOwner(builder, remoteMarkOf),
    // The mark is in the first node's name, not in its options.
    withoutOwner: optionLines,
    nodes: builder => builderNodes(builder),
    // buildx rm of a remote builder removes its record; the daemon and its state are untouched
    // (driver.go Rm does nothing), so keep-state means nothing here.
    remove: builder => removeBuilder(rmArgs(builder, false)),
    // The daemons are someone else's by design: buildx rm never touches them (driver.go Rm).
    occupant: () => Promise.resolve(undefined),
    leave: (builder, node) => leaveNode(leaveArgs(builder, node))
};
/** The daemon's answer for one node: `docker buildx inspect --bootstrap`, silently. */
async function inspectDaemon(builder, nodeName) {
    const res = await inspectBuilder(builder);
    if (res.exitCode !== 0)
        return { error: `docker buildx inspect --bootstrap failed (exit code ${res.exitCode}): ${lastLine(res.stderr)}` };
    return daemonFromInspect(parseInspect(res.stdout), nodeName);
}
/**
 * Resolves each reference through the node's daemon from the runner, one after the other,
 * and answers in RESOLVE_SCRIPT's marker format (buildkit/resolve.ts parseResolveOutput). A builder of
 * several nodes lets buildx pick the node, so such a node is reached through a builder of its
 * own, with the same endpoint and driver options, removed afterwards.
 */
async function resolveFromRunner(node, refs, builder) {
    const nodes = builderNodes(builder);
    const rec = nodes.find(n => n.Name === node.Name);
    if (!rec)
        return { exitCode: 1, stdout: '', stderr: `buildx has no node ${node.Name} in builder ${builder}` };
    let through = builder;
    if (nodes.length > 1) {
        through = `${builder}-prove-${(0,external_node_crypto_namespaceObject.randomUUID)().slice(0, 8)}`;
        const opts = Object.entries(rec.DriverOpts ?? {}).map(([k, v]) => csvQuote(`${k}=${v}`));
        const made = await runBuildx(remoteCreateArgs({ name: through, endpoint: rec.Endpoint, driverOpts: opts, use: false, bootstrap: false }));
        if (made.exitCode !== 0) {
            await runBuildx(rmArgs(through, false));
            return {
                exitCode: made.exitCode,
                stdout: '',
                stderr: `a builder for node ${node.Name} alone could not be made: ${lastLine(made.stderr)}`
            };
        }
    }
    const dir = external_node_fs_namespaceObject.mkdtempSync(external_node_path_namespaceObject.join(tempRoot(), 'buildkit-builder-prove-'));
    try {
        let stdout = '';
        for (const [i, ref] of refs.entries()) {
            const ctx = external_node_path_namespaceObject.join(dir, String(i + 1));
            external_node_fs_namespaceObject.mkdirSync(ctx);
            external_node_fs_namespaceObject.writeFileSync(external_node_path_namespaceObject.join(ctx, 'Dockerfile'), `FROM ${ref}\n`);
            const meta = external_node_path_namespaceObject.join(dir, `${i + 1}.json`);
            const t0 = Date.now();
            // coreutils timeout: exec.ts has no time limit of its own; buildx ends its build on SIGTERM.
            const outline = buildxArgv(outlineArgs(through, ctx, meta));
            const res = await exec_run('timeout', ['--kill-after=5', String(RESOLVE_TIMEOUT_SECONDS), outline.command, ...outline.args]);
            const seconds = Math.round((Date.now() - t0) / 1000);
            stdout += resolveRecord(i + 1, res.stderr, res.exitCode, seconds);
            // The build's history record, so `buildx history ls` shows only the user's builds.
            const record = external_node_fs_namespaceObject.existsSync(meta) ? historyRef(external_node_fs_namespaceObject.readFileSync(meta, 'utf8')) : undefined;
            if (record)
                await runBuildx(['buildx', 'history', 'rm', '--builder', through, record]);
        }
        return { exitCode: 0, stdout, stderr: '' };
    }
    finally {
        external_node_fs_namespaceObject.rmSync(dir, { recursive: true, force: true });
        if (through !== builder)
            await runBuildx(rmArgs(through, false));
    }
}
/**
 * Each node's files for the TLS connection to its daemon, read and checked (keys masked), from
 * its driver-opts and docker/setup-buildx-action's BUILDER_NODE_<n>_AUTH_TLS_* variables, whose
 * values are all masked (users pass them as secrets) and never echoed.
 */
function loadTls(inputs) {
    for (const w of tlsVarWarnings(inputs.nodes, process.env))
        log_warning(w);
    return inputs.nodes.map(n => {
        for (const name of Object.values(tlsFromEnv(n, process.env).vars))
            addSecret(process.env[name] ?? '');
        const tls = parseNodeTls(n);
        const loaded = loadRemoteTls(tls);
        for (const w of loaded.warnings)
            log_warning(w);
        if (usesTls(tls))
            log_info(`${n.label}: TLS to ${n.endpoint} with ` +
                `${[loaded.tls.cacert && 'a CA', loaded.tls.cert && 'a client certificate and key'].filter(Boolean).join(' and ')}, checked`);
        return loaded.tls;
    });
}
/**
 * No config and no daemon flags (buildx refuses both for this driver), TLS files for the
 * connection under <runDir>/remote/<i> (they must live as long as the builder: buildx reads
 * them on every connection), and the owner mark in the first node's name.
 */
function remoteNodes(ctx) {
    const { inputs, runDir, owner } = ctx;
    const tls = ctx.prepared ?? [];
    const dirs = [];
    const files = [];
    const nodes = inputs.nodes.map((n, i) => {
        const out = remoteTlsFiles(tls[i] ?? { other: n.driverOpts }, external_node_path_namespaceObject.join(runDir, 'remote', String(i)), n.label);
        if (out.files.length > 0 && !dirs.includes(external_node_path_namespaceObject.join(runDir, 'remote')))
            dirs.push(external_node_path_namespaceObject.join(runDir, 'remote'));
        dirs.push(...out.dirs);
        files.push(...out.files);
        const name = i === 0 ? remoteNodeName(inputs.name, owner) : n.name;
        return {
            label: n.label,
            name,
            endpoint: n.endpoint,
            createArgs: remoteCreateArgs({
                name: inputs.name,
                node: name,
                endpoint: n.endpoint,
                driverOpts: out.driverOpts,
                platforms: n.platforms,
                use: inputs.use,
                append: i > 0,
                bootstrap: inputs.nodes.length === 1
            }),
            args: [],
            platforms: n.platforms
        };
    });
    return { nodes, dirs, files };
}

;// CONCATENATED MODULE: ./src/drivers/factory.ts




// The drivers this action has, one line each, in the order the `driver` input's message
// names them. A new driver is a folder of its own (CONTRIBUTING.md, "How to add a driver")
// and a line here.
const SHIPPED = [dockerContainer, kubernetes, remote, engine];
/** A catalog of drivers by name: the shipped ones, or others (a test's). */
function catalogOf(drivers) {
    const byName = new Map(drivers.map(d => [d.name, d]));
    const driver = (name) => {
        const d = byName.get(name);
        if (!d)
            throw new Error(`no driver named "${name}" (${[...byName.keys()].join(', ')})`);
        return d;
    };
    return { names: drivers.map(d => d.name), rules: driver, driver };
}
/** The shipped drivers. */
const catalog = catalogOf(SHIPPED);
/**
 * Whether the `driver` input, as given, names a driver that needs the Docker engine: asked
 * before the inputs are read, to start the engine's version probe at once. An unknown name
 * says yes (the input's error comes first anyway).
 */
function usesEngine(driverInput) {
    const name = driverInput.trim().toLowerCase() || 'docker-container';
    return catalog.names.includes(name) ? catalog.rules(name).usesEngine : true;
}
/** The implementation of a shipped buildx driver (inputs refuse any other name). */
function driverFor(name) {
    return catalog.driver(name);
}

;// CONCATENATED MODULE: ./src/runner/state.ts

const Keys = {
    builder: 'builderName',
    driver: 'driver',
    owner: 'owner',
    created: 'builderCreated',
    reused: 'builderReused',
    runDir: 'runDir',
    cleanup: 'cleanup',
    keepState: 'keepState',
    plugin: 'buildxPlugin',
    tlsContext: 'tlsContext'
};
function load() {
    const get = (k) => getState(Keys[k]);
    return {
        builder: get('builder'),
        driver: get('driver') || 'docker-container',
        owner: get('owner'),
        created: get('created') === 'true',
        reused: get('reused') === 'true',
        runDir: get('runDir'),
        cleanup: get('cleanup') !== 'false',
        keepState: get('keepState') === 'true',
        plugin: get('plugin'),
        tlsContext: get('tlsContext')
    };
}
let current;
/** The run record: what main saved (in post), or what main has recorded so far. */
function record() {
    current ??= load();
    return current;
}
/** Changes the record, in memory and in GITHUB_STATE. */
function update(patch) {
    const rec = { ...record(), ...patch };
    for (const k of Object.keys(patch))
        saveState(Keys[k], String(rec[k]));
    current = rec;
}
/** Only for tests: forget the record, so the next record() reads the state again. */
function resetRecord() {
    current = undefined;
}

;// CONCATENATED MODULE: ./src/drivers/tls-context.ts





// The default docker context with TLS from the environment (DOCKER_HOST=tcp://…:2376,
// DOCKER_TLS_VERIFY, DOCKER_CERT_PATH): buildx create refuses it for a node without an
// endpoint ("could not create a builder instance with TLS data loaded from environment",
// builder/builder.go Create) and asks for a docker context; so does buildx issue #2520, and
// docker/setup-buildx-action makes one for the run (its issue #105, PR #341). This run makes
// one too, a copy of the default context (TLS files included), gives it to the first node as
// its endpoint, and the one teardown removes it (teardown.ts), unless the builder is kept.
// Nodes on other contexts or hosts are left as they are: a context of the user's keeps its own
// TLS files.
/**
 * Whether the first node needs a docker context of the TLS environment: its endpoint is the
 * default context with TLS from the environment, by being the current one (no endpoint; buildx
 * refuses it) or by name (`default`: buildx records its host alone, builder.go
 * validateEndpoint, and dials it without TLS).
 */
function needsTlsContext(driver, inputs, env, home) {
    const endpoint = inputs.nodes[0].endpoint;
    if (driver.nodeOnCurrentContext !== true)
        return false;
    return endpoint === 'default' ? tlsFromEnvironment(env) : endpoint === '' && defaultContextWithTls(env, home);
}
/**
 * Makes this run's docker context of the TLS environment and returns the inputs with it as the
 * first node's endpoint. The context is recorded before it is made, so that any failure from
 * here on removes it (`docker context rm --force` of a context that is not there is no error).
 */
async function useTlsContext(inputs, owner, env, home) {
    const name = tlsContextName(owner);
    state.update({ tlsContext: name });
    await docker.copyDefaultContext(name, `buildkit-builder-action: the default context's TLS environment, for builder ${inputs.name}`);
    const certs = env.DOCKER_CERT_PATH || env.DOCKER_CONFIG || path.join(home, '.docker');
    log.info(`the default docker context takes TLS from the environment (${env.DOCKER_HOST || 'tcp://localhost:2376'}, files in ${certs}), ` +
        `which buildx refuses for a builder: docker context ${name}, a copy of it, is the first node's endpoint`);
    if (!inputs.cleanup) {
        log.info(`cleanup: false — context ${name} stays with the builder, which needs it (remove both: docker buildx rm ${inputs.name}; docker context rm ${name})`);
    }
    const [first, ...rest] = inputs.nodes;
    return { ...inputs, nodes: [{ ...first, endpoint: name }, ...rest] };
}
/**
 * Removes this run's docker context, after the builder that used it: always, but for a
 * builder that post leaves running (cleanup: false), which needs it to be reached.
 */
async function removeTlsContext(keepsBuilder) {
    const name = record().tlsContext;
    if (name === '')
        return;
    if (keepsBuilder) {
        log_info(`docker context ${name} is left with the builder, which needs it`);
        return;
    }
    await removeContext(name);
    log_info(`docker context ${name} removed`);
    update({ tlsContext: '' });
}

;// CONCATENATED MODULE: ./src/drivers/teardown.ts









async function teardown(why) {
    const rec = record();
    try {
        if (rec.reused) {
            // Whatever this run's cleanup says: jobs share a kept builder, and it was not this run's to remove.
            log_info(`builder ${rec.builder} is a kept builder (an earlier run created it with cleanup: false) that this run used: left as it is; ` +
                `remove it with "docker buildx rm ${rec.builder}" when no job needs it`);
        }
        else if (rec.created && rec.builder !== '')
            await teardown_removeBuilder(driverFor(rec.driver), why, rec);
        else
            log_info('this run created no builder (or already removed it)');
    }
    finally {
        // After the builder, which buildx reaches through it; whether or not that worked.
        await removeTlsContext(why === 'post' && !rec.cleanup && rec.created);
    }
    teardown_restorePlugin();
    removeFiles();
}
/** Puts back the buildx plugin a `version` install replaced (its backup is in the run's directory). */
function teardown_restorePlugin() {
    const saved = record().plugin;
    if (saved === '')
        return;
    log_info(restorePlugin(JSON.parse(saved)));
    update({ plugin: '' });
}
async function teardown_removeBuilder(driver, why, rec) {
    const name = rec.builder;
    if (why === 'post' && !rec.cleanup) {
        log_info(`cleanup: false — builder ${name} is left running`);
        return;
    }
    const owner = driver.owner(name);
    if (owner === undefined) {
        // buildx create failed before it registered the builder, or it was removed already.
        log_info(`no builder ${name} to remove`);
        update({ created: false });
        return;
    }
    if (owner !== rec.owner) {
        log_warning(`builder ${name} is not this run's (another run or step created it under the same name): left alone. ` +
            'Give each job its own builder name, or leave name empty for a generated one');
        update({ created: false });
        return;
    }
    // buildx's record says the builder is this run's; what really is at each node's place
    // may not be (buildx takes over a container or Deployment of a node's name): only this
    // run's daemons are removed, the others are detached from the record and left alone.
    const nodes = driver.nodes(name);
    const found = await occupantsOf(driver, nodes);
    const plan = removalPlan(found, rec.owner);
    for (const w of plan.warnings)
        log_warning(w);
    const ours = nodes.filter(n => !plan.keepDaemon && !plan.leave.includes(n.Name));
    if (why === 'failure') {
        for (const node of ours) {
            const tail = cleanLog(await driver.logTail(node));
            if (tail !== '')
                log_info(`last lines of the daemon's log${nodes.length > 1 ? ` of node ${node.Name}` : ''}:\n${tail}`);
        }
    }
    for (const node of plan.leave) {
        const left = await driver.leave(name, node);
        // Removing the builder with the node still in it would remove that node's daemon.
        if (!left.ok)
            throw new Error(`could not detach node ${node} (not this run's) from builder ${name}, so it is not removed: ${left.message}`);
    }
    // After a failure the state is never kept: nothing of a failed run is worth keeping.
    const keep = why === 'post' && rec.keepState;
    const rm = await driver.remove(name, keep, plan.keepDaemon);
    if (rm.ok)
        log_info(plan.keepDaemon
            ? `buildx's record of builder ${name} removed; no node's daemon was this run's`
            : `builder ${name} removed${keep ? ' (state volume kept)' : ''}${plan.leave.length > 0 ? ` (node(s) ${plan.leave.join(', ')} left alone)` : ''}`);
    else if (driver.owner(name) === undefined)
        log_info(`builder ${name} was already removed`);
    else
        throw new Error(`could not remove builder ${name}: ${rm.message}`);
    update({ created: false });
}
function removeFiles() {
    const dir = record().runDir;
    log_info(removeRunDir(dir) ? `removed ${dir}` : 'no files of this run to remove');
    update({ runDir: '' });
}

;// CONCATENATED MODULE: ./src/post.ts


// The post step runs even when the job failed or was cancelled: the one teardown removes the
// builder this run created (unless cleanup is off) and every file the run wrote.
async function runPost() {
    await group('Remove the builder and the files of this run', () => teardown('post'));
}

;// CONCATENATED MODULE: ./src/post-entry.ts



// The post step's entry point (action.yml runs.post, built to dist/post/index.js): a bundle of
// its own, so that post loads the teardown and what it needs, and none of main's modules
// (input reading, planning, rendering, verification): ~9 ms less of node's start, measured in
// docs/performance.md. A post step never fails the job: its problems are warnings.
passSignalsOn();
runPost().catch((err) => log_warning(`post step: ${err instanceof Error ? err.message : String(err)}`));

