export const id = 952;
export const ids = [952];
export const modules = {

/***/ 7952:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   installBuildx: () => (/* binding */ installBuildx)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _buildx_release_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2067);
/* harmony import */ var _plugin_file_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4407);
/* harmony import */ var _downloads_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5362);
/* harmony import */ var _runner_log_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(7708);







/**
 * Installs the buildx asked for as the docker CLI's user plugin. Throws (and installs nothing,
 * leaving a plugin that was there as it was) when the binary can't be had or checked. The
 * caller keeps what it returns for post (restorePlugin) as soon as it returns.
 */
async function installBuildx(req, host) {
    const version = req.version === 'latest' ? await latestVersion(req, host.env) : req.version;
    const urls = (0,_buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .assetUrls */ .pe)(req, version, host.platform, host.arch);
    const asset = (0,_buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .assetName */ .SM)(version, host.platform, host.arch);
    const target = (0,_buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .pluginPath */ .ho)(host.env, host.home, host.platform);
    const name = node_path__WEBPACK_IMPORTED_MODULE_2__.basename(target);
    const toolArch = (0,_buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .toolCacheArch */ .Tm)(req, version, host.platform, host.arch);
    const work = node_path__WEBPACK_IMPORTED_MODULE_2__.join(host.runDir, 'buildx-install');
    node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync(work, { recursive: true, mode: 0o700 });
    let cache;
    try {
        // The sum every copy is checked against, from either cache too: what buildx-sha256 pins,
        // or what the release publishes now. Nothing written beside a cached file is trusted.
        const expected = req.sha256 ?? (await expectedSha256(urls.checksums, asset));
        const sumSource = req.sha256 !== undefined ? 'buildx-sha256' : urls.checksums;
        const cached = await fromToolCache(version, toolArch, name, urls.binary, expected, sumSource);
        if (cached)
            return await install(cached, expected, 'tool-cache', version, urls.binary, target, host.runDir);
        const tc = await Promise.all(/* import() */[__webpack_require__.e(507), __webpack_require__.e(805)]).then(__webpack_require__.bind(__webpack_require__, 9805));
        cache = req.cacheBinary ? await actionsCache() : undefined;
        const key = (0,_buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .actionsCacheKey */ .DB)(version, host.platform, host.arch, expected);
        const restored = cache ? await fromActionsCache(cache, key, name, expected) : undefined;
        let file;
        if (restored) {
            file = restored;
        }
        else {
            _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`downloading ${urls.binary}`);
            file = await (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .download */ .RG)(tc, urls.binary, node_path__WEBPACK_IMPORTED_MODULE_2__.join(work, asset), `the buildx binary from ${urls.binary}`, releaseHint);
            const actual = await (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .fileSha256 */ .sN)(file);
            if (actual !== expected) {
                throw new Error(`checksum mismatch for ${urls.binary}: the file has SHA-256 ${actual}, ${sumSource} says ${expected}. ` +
                    "Nothing was installed. Retry; with buildx-url, check that the mirror serves the release's files unchanged");
            }
            _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`SHA-256 ${actual} matches ${sumSource}`);
        }
        await toToolCache(tc, file, name, version, toolArch);
        if (cache && !restored)
            await toActionsCache(cache, key, name, file);
        return await install(file, expected, restored ? 'actions-cache' : 'download', version, urls.binary, target, host.runDir);
    }
    finally {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync(work, { recursive: true, force: true });
        if (cache)
            node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync(actionsCacheDir(), { recursive: true, force: true });
    }
}
/** `latest`: the tag of docker/buildx's latest GitHub release. */
async function latestVersion(req, env) {
    if (req.baseUrl !== undefined)
        throw new Error('version "latest" is looked up on GitHub, not on buildx-url: give a release (version: vX.Y.Z)');
    let res;
    try {
        res = await fetch(_buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .LATEST_RELEASE_API */ .P6, { headers: (0,_buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .latestRequestHeaders */ .JL)(env), signal: AbortSignal.timeout(30_000) });
    }
    catch (err) {
        throw new Error(`could not ask ${_buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .LATEST_RELEASE_API */ .P6} for the latest buildx: ${err.message}. Give a release (version: vX.Y.Z) instead of latest`, {
            cause: err
        });
    }
    const body = await res.text();
    if (!res.ok) {
        const limited = res.status === 429 || (res.status === 403 && res.headers.get('x-ratelimit-remaining') === '0');
        throw new Error(`${_buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .LATEST_RELEASE_API */ .P6} answered HTTP ${res.status}` +
            (limited
                ? `: GitHub's API rate limit is used ` +
                    `up${env.GITHUB_TOKEN ? '' : " (60 requests an hour per address without a token: set GITHUB_TOKEN: ${{ github.token }} in the step's env)"}`
                : '') +
            '. Give a release (version: vX.Y.Z) instead of latest');
    }
    const tag = (0,_buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .latestTag */ .wk)(body);
    _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`latest buildx release: ${tag}`);
    return tag;
}
/**
 * The copy in the tool cache, when there is one and it has the SHA-256 `expected` (from
 * buildx-sha256 or the release's checksums.txt, never from the cache itself). undefined when
 * there is none (or the entry is incomplete): downloaded then. A copy that differs is an
 * error: someone with write access to the runner's tool cache changed it, or it was cached
 * from another file; it is not run, and not silently replaced either.
 */
async function fromToolCache(version, toolArch, name, url, expected, sumSource) {
    // @actions/tool-cache asserts RUNNER_TOOL_CACHE; without it (a local run) there is no cache.
    const cacheRoot = process.env.RUNNER_TOOL_CACHE;
    if (!cacheRoot)
        return undefined;
    const dir = await (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .findInToolCache */ .lj)(cacheRoot, _buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .TOOL */ .js, version, toolArch);
    if (!dir)
        return undefined;
    const file = node_path__WEBPACK_IMPORTED_MODULE_2__.join(dir, name);
    if (!node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync(file)) {
        _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`the tool cache entry ${dir} is incomplete: downloading ${url} again`);
        return undefined;
    }
    const actual = await (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .fileSha256 */ .sN)(file);
    if (actual !== expected) {
        throw new Error(`the tool cache holds a buildx ${version} that is not the release's: ${file} has SHA-256 ${actual}, ${sumSource} says ${expected}. ` +
            `Nothing was installed or run. Remove the entry (${dir} and ${dir}.complete) from the runner's tool cache, ` +
            'and find out who wrote it: anyone who can write there can change what later jobs run');
    }
    _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`buildx ${version} from ${url} found in the tool cache (${dir}), SHA-256 ${actual} matches ${sumSource}`);
    return file;
}
/** Keeps a checked binary in the tool cache; a failure only costs the next run a download. */
async function toToolCache(tc, file, name, version, toolArch) {
    if (!process.env.RUNNER_TOOL_CACHE)
        return;
    try {
        const dir = await tc.cacheFile(file, name, _buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .TOOL */ .js, version, toolArch);
        _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`cached in ${dir}`);
    }
    catch (err) {
        _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .warning */ .$e(`could not keep buildx ${version} in the tool cache: ${err.message}`);
    }
}
/** @actions/cache when the runner has a cache service; undefined otherwise (e.g. GHES without one, a local run). */
async function actionsCache() {
    const cache = await Promise.all(/* import() */[__webpack_require__.e(507), __webpack_require__.e(691)]).then(__webpack_require__.bind(__webpack_require__, 1691));
    if (cache.isFeatureAvailable())
        return cache;
    _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq('no GitHub Actions cache service on this runner: cache-binary does nothing here');
    return undefined;
}
/**
 * The directory the Actions cache entry is made from and restored to. The cache binds an
 * entry to the exact paths it was saved from, so this must be the same in every run: not the
 * run's own directory (mkdtemp), but a fixed one in RUNNER_TEMP, removed when the install is done.
 */
function actionsCacheDir() {
    return node_path__WEBPACK_IMPORTED_MODULE_2__.join(process.env.RUNNER_TEMP || node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir(), 'buildkit-buildx-binary');
}
async function fromActionsCache(cache, key, name, expected) {
    const dir = actionsCacheDir();
    node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync(dir, { recursive: true, force: true });
    let hit;
    try {
        hit = await cache.restoreCache([dir], key);
    }
    catch (err) {
        _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .warning */ .$e(`could not restore ${key} from the GitHub Actions cache: ${err.message}. Downloading instead`);
        return undefined;
    }
    if (hit === undefined) {
        // A miss, or a failure the cache client has already reported: either way, download.
        _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`${key} was not restored from the GitHub Actions cache: downloading`);
        return undefined;
    }
    const file = node_path__WEBPACK_IMPORTED_MODULE_2__.join(dir, name);
    const actual = node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync(file) ? await (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .fileSha256 */ .sN)(file) : '(no file)';
    if (actual !== expected) {
        _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .warning */ .$e(`the GitHub Actions cache entry ${hit} holds a buildx with SHA-256 ${actual}, not ${expected}: not using it, downloading instead`);
        return undefined;
    }
    _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`buildx restored from the GitHub Actions cache (${hit}), SHA-256 ${actual}`);
    return file;
}
async function toActionsCache(cache, key, name, file) {
    const dir = actionsCacheDir();
    try {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync(dir, { recursive: true, force: true });
        node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync(dir, { recursive: true });
        node_fs__WEBPACK_IMPORTED_MODULE_0__.copyFileSync(file, node_path__WEBPACK_IMPORTED_MODULE_2__.join(dir, name));
        // -1: not saved; the cache client has said why (a warning, or that another job is saving
        // the same key, which is no failure).
        if ((await cache.saveCache([dir], key)) === -1)
            _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`buildx was not saved to the GitHub Actions cache as ${key}: the next run downloads it again`);
        else
            _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`saved to the GitHub Actions cache as ${key}`);
    }
    catch (err) {
        _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .warning */ .$e(`could not save buildx to the GitHub Actions cache as ${key}: ${err.message}. The next run downloads it again`);
    }
}
/** The SHA-256 checksums.txt gives for the asset, fetched now (on every install, cache hit or not). */
async function expectedSha256(url, asset) {
    const text = await (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .fetchText */ .Sy)(url, `the release's checksums from ${url}`, releaseHint);
    const sum = (0,_buildx_release_js__WEBPACK_IMPORTED_MODULE_3__/* .checksumFor */ .xs)(text, asset);
    if (sum === undefined) {
        throw new Error(`${url} lists no SHA-256 for ${asset}, so it can't be checked and is not installed. ` +
            '(buildx lists no darwin binaries, nor windows ones from v0.36.0 on: they are signed after the list is made.) ' +
            "Use a release and platform it lists, or leave version empty to use the runner's buildx");
    }
    return sum;
}
/**
 * Copies the checked binary into the plugin directory under a temporary name, checks the
 * copy, moves a plugin already there aside (into runDir, for post), and renames the copy to
 * the plugin's name.
 */
async function install(file, sha256, source, version, url, target, runDir) {
    const dir = node_path__WEBPACK_IMPORTED_MODULE_2__.dirname(target);
    node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync(dir, { recursive: true });
    const staged = (0,_plugin_file_js__WEBPACK_IMPORTED_MODULE_4__/* .stagingName */ .zb)(target);
    try {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.copyFileSync(file, staged);
        node_fs__WEBPACK_IMPORTED_MODULE_0__.chmodSync(staged, 0o755);
        const actual = await (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .fileSha256 */ .sN)(staged);
        if (actual !== sha256)
            throw new Error(`the copy of buildx at ${staged} has SHA-256 ${actual}, not ${sha256}: nothing was installed`);
        const backupPath = backUp(target, runDir);
        node_fs__WEBPACK_IMPORTED_MODULE_0__.renameSync(staged, target);
        _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`installed buildx ${version} at ${target} (from the ` +
            `${source === 'download' ? 'download' : source === 'tool-cache' ? 'tool cache' : 'GitHub Actions cache'})`);
        if (backupPath)
            _runner_log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`the buildx plugin that was there is kept at ${backupPath} and put back in post`);
        return { version, pluginPath: target, ...(backupPath ? { backupPath } : {}), source, sha256, url };
    }
    finally {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync(staged, { force: true });
    }
}
/**
 * Keeps a copy of what is at the plugin's path (a file, or a link as a link) under runDir, or
 * undefined when nothing is. Copied, not moved: the plugin stays in place until the new one
 * replaces it, and runDir may be on another file system.
 */
function backUp(target, runDir) {
    const kind = (0,_plugin_file_js__WEBPACK_IMPORTED_MODULE_4__/* .lstatKind */ .Fn)(target);
    if (kind === undefined)
        return undefined;
    if (kind === 'other')
        throw new Error(`${target} is not a file: move it away, or leave version empty to use the runner's buildx`);
    const dir = node_path__WEBPACK_IMPORTED_MODULE_2__.join(runDir, 'buildx-plugin-backup');
    node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const backup = node_path__WEBPACK_IMPORTED_MODULE_2__.join(dir, node_path__WEBPACK_IMPORTED_MODULE_2__.basename(target));
    node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync(backup, { force: true });
    if (kind === 'link')
        node_fs__WEBPACK_IMPORTED_MODULE_0__.symlinkSync(node_fs__WEBPACK_IMPORTED_MODULE_0__.readlinkSync(target), backup);
    else
        node_fs__WEBPACK_IMPORTED_MODULE_0__.copyFileSync(target, backup); // keeps the mode
    return backup;
}
/** What to check when a release asset can't be downloaded. */
function releaseHint(status) {
    return status === 404
        ? 'Check that version names a buildx release that has this platform, and that buildx-url (if set) mirrors the release layout'
        : "Retry, or check the runner's network";
}



/***/ })

};
