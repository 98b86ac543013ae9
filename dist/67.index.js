export const id = 67;
export const ids = [67];
export const modules = {

/***/ 8067:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   prepareCni: () => (/* binding */ prepareCni)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _cni_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2019);
/* harmony import */ var _docker_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4931);
/* harmony import */ var _downloads_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9946);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(5625);
/* harmony import */ var _test_pause_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(476);
/* harmony import */ var _versions_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(7902);









const CHECK_INPUTS = () => 'Check cni-plugins-version and cni-plugins-url';
// Makes the builder's CNI networking possible before it is created: the user's image
// (cni-image), BuildKit's own bridge mode (cni: bridge: the daemon's version is checked), or
// an image built here from the base image, the containernetworking plugins (downloaded
// once, checked, kept in the tool cache) and the network config.
//
// Runs at once on one runner share the tool cache and the engine's images, so: the cache
// entry is written and read under a lock; the image is built from this run's own verified
// copy of the plugins, under a temporary tag, checked (every plugin the config needs is in
// the image), and only then tagged; an image found under the tag is checked the same way
// before it is reused. Nothing partial is left under the final tag or in the cache.
const TOOL = 'cni-plugins';
const PLUGINS_IN_IMAGE = '/opt/cni/bin';
async function prepareCni(cni, runDir, driverOpts) {
    if ('image' in cni) {
        _log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`using ${cni.image} as it is (cni-image): its plugins and config are its own`);
        return (0,_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .cniAddition */ .fQ)(cni.image, `${cni.image} (cni-image)`);
    }
    if ('bridge' in cni)
        return bridge(cni.bridge.subnet, driverOpts);
    const tag = await imageFor(cni.build, runDir);
    return (0,_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .cniAddition */ .fQ)(tag, `${tag} (built from ${cni.build.baseImage} with CNI plugins ${cni.build.pluginsVersion}, config: ${cni.build.config.source})`);
}
/** The CNI image: the one a run before built (readyImage), or one built now. */
async function imageFor(build, runDir) {
    // The base image (pulled when missing) and the plugins (downloaded when not cached) at once.
    const base = _docker_js__WEBPACK_IMPORTED_MODULE_4__/* .ensureImage */ .Yt(build.baseImage);
    base.catch(() => undefined); // its error is thrown below, once the plugins are settled too
    const ready = await settled(readyImage(build, base));
    if (ready.value)
        return ready.value;
    const [pluginsGot, baseGot] = await Promise.allSettled([plugins(build, runDir), base]);
    if (pluginsGot.status === 'rejected')
        throw pluginsGot.reason;
    if (baseGot.status === 'rejected')
        throw baseGot.reason;
    const { dir: pluginsDir, sha256 } = pluginsGot.value;
    const baseId = baseGot.value;
    checkPluginTypes(build, pluginsDir);
    const tag = (0,_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .imageTag */ .I_)(baseId, sha256, build);
    const present = (await _docker_js__WEBPACK_IMPORTED_MODULE_4__/* .imageId */ .L(tag)) !== undefined;
    const missing = present ? await missingInImage(tag, build) : [];
    if (present && missing.length === 0) {
        _log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`${tag} is already present, with the plugins the config needs: not building it again`);
    }
    else {
        if (present)
            _log_js__WEBPACK_IMPORTED_MODULE_6__/* .warning */ .$e(`${tag} lacks the plugin(s) ${missing.join(', ')} (left by an interrupted or older run): building it again`);
        await buildChecked(tag, build, pluginsDir, runDir);
        _log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`built ${tag} from ${build.baseImage} (${baseId.slice(0, 19)}), plugins ${build.pluginsVersion} (archive SHA-256 ${sha256})`);
    }
    return tag;
}
/** A promise's outcome without throwing: its value, or undefined when it failed. */
async function settled(p) {
    try {
        return { value: await p };
    }
    catch {
        return {};
    }
}
/**
 * The image a run before this one built, when it is there with every plugin the config needs:
 * its tag comes from the base image and the archive's SHA-256 recorded in the tool cache, so
 * neither the plugins nor the tool-cache package are touched (no lock, no copy). undefined
 * when anything is missing: imageFor then takes the full path, which says why.
 */
async function readyImage(build, base) {
    const cacheRoot = process.env.RUNNER_TOOL_CACHE;
    if (!cacheRoot)
        return undefined;
    const urls = (0,_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .pluginsUrls */ .$d)(build.pluginsUrl, build.pluginsVersion, build.arch);
    const cached = (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .findCached */ .aY)(cacheRoot, TOOL, build.pluginsVersion, (0,_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .cacheArch */ .zJ)(build.arch, urls.archive));
    const recorded = cached ? (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .readIfExists */ .OR)(`${cached}.archive-sha256`) : undefined;
    if (!recorded)
        return undefined;
    const tag = (0,_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .imageTag */ .I_)(await base, recorded, build);
    if ((await _docker_js__WEBPACK_IMPORTED_MODULE_4__/* .imageId */ .L(tag)) === undefined || (await missingInImage(tag, build)).length > 0)
        return undefined;
    _log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`CNI plugins ${build.pluginsVersion} (${build.arch}) from ${urls.archive} recorded in the tool cache (archive SHA-256 ${recorded})`);
    _log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`${tag} is already present, with the plugins the config needs: not building it again`);
    return tag;
}
/** cni: bridge needs a daemon that has the mode: BuildKit v0.13 or later. */
async function bridge(subnet, driverOpts) {
    const image = driverOpts
        .flatMap(o => o.split(','))
        .find(p => p.startsWith('image='))
        ?.slice('image='.length) ?? _cni_js__WEBPACK_IMPORTED_MODULE_3__/* .DEFAULT_BUILDKIT_IMAGE */ .LX;
    const printed = await _docker_js__WEBPACK_IMPORTED_MODULE_4__/* .buildkitdVersion */ .X5(image);
    const version = (0,_versions_js__WEBPACK_IMPORTED_MODULE_8__/* .parseBuildkitdVersion */ .C)(printed);
    if (version === undefined) {
        _log_js__WEBPACK_IMPORTED_MODULE_6__/* .warning */ .$e(`can't tell the BuildKit version of ${image} from "${printed.trim()}": assuming it has the bridge network mode (${_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .BRIDGE_SINCE */ .N8} and later)`);
    }
    else if ((0,_versions_js__WEBPACK_IMPORTED_MODULE_8__/* .compareVersions */ .Z)(version, _cni_js__WEBPACK_IMPORTED_MODULE_3__/* .BRIDGE_SINCE */ .N8) < 0) {
        throw new Error(`${image} runs BuildKit ${version}, which has no bridge network mode (it came with ${_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .BRIDGE_SINCE */ .N8}): ` +
            'use a newer image (driver-opts image=…), or cni: true, which builds an image with CNI plugins');
    }
    else {
        _log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`${image} runs BuildKit ${version}: bridge network mode, subnet ${subnet ?? "BuildKit's default (10.10.0.0/16)"}`);
    }
    return (0,_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .cniAddition */ .fQ)(undefined, `${image} (BuildKit ${version ?? 'version unknown'}), bridge network mode`);
}
/**
 * The plugins, as this run's own copy: from the tool cache, or downloaded and checked (and
 * then cached). The cache is read and written under a lock, so runs at once neither read an
 * entry another is writing nor write one twice.
 */
async function plugins(build, runDir) {
    const cacheRoot = process.env.RUNNER_TOOL_CACHE;
    if (!cacheRoot)
        throw new Error('RUNNER_TOOL_CACHE is not set: the CNI plugins are kept in the runner tool cache');
    const urls = (0,_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .pluginsUrls */ .$d)(build.pluginsUrl, build.pluginsVersion, build.arch);
    const key = (0,_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .cacheArch */ .zJ)(build.arch, urls.archive);
    const own = node_path__WEBPACK_IMPORTED_MODULE_2__.join(runDir, 'cni-plugins');
    return withLock(node_path__WEBPACK_IMPORTED_MODULE_2__.join(cacheRoot, TOOL, `.lock-${build.pluginsVersion}-${key}`), async () => {
        await (0,_test_pause_js__WEBPACK_IMPORTED_MODULE_7__/* .testPause */ .d)('cni-cache');
        const cached = await (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .findInToolCache */ .lj)(cacheRoot, TOOL, build.pluginsVersion, key);
        const recorded = cached ? (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .readIfExists */ .OR)(`${cached}.archive-sha256`) : undefined;
        if (cached && recorded) {
            _log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`CNI plugins ${build.pluginsVersion} (${build.arch}) from ${urls.archive} found in the tool cache (archive SHA-256 ${recorded})`);
            node_fs__WEBPACK_IMPORTED_MODULE_1__.cpSync(cached, own, { recursive: true });
            return { dir: own, sha256: recorded };
        }
        const tc = await toolCache();
        const work = node_path__WEBPACK_IMPORTED_MODULE_2__.join(runDir, 'cni-download');
        node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync(work, { recursive: true, mode: 0o700 });
        _log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`downloading ${urls.archive}`);
        const archive = await (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .download */ .RG)(tc, urls.archive, node_path__WEBPACK_IMPORTED_MODULE_2__.join(work, urls.fileName), urls.archive, CHECK_INPUTS);
        const sumFile = await (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .download */ .RG)(tc, urls.checksum, node_path__WEBPACK_IMPORTED_MODULE_2__.join(work, `${urls.fileName}.sha256`), urls.checksum, CHECK_INPUTS);
        const expected = (0,_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .parseChecksum */ .tB)(node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync(sumFile, 'utf8'), urls.checksum);
        const actual = await (0,_downloads_js__WEBPACK_IMPORTED_MODULE_5__/* .fileSha256 */ .sN)(archive);
        if (actual !== expected) {
            throw new Error(`checksum mismatch for ${urls.archive}: the archive has SHA-256 ${actual}, ${urls.checksum} says ${expected}. ` +
                'Check cni-plugins-url (a mirror must serve the same files as the release)');
        }
        _log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`SHA-256 ${actual} matches ${urls.checksum}`);
        await tc.extractTar(archive, own);
        node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync(work, { recursive: true, force: true });
        const dir = await tc.cacheDir(own, TOOL, build.pluginsVersion, key);
        node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync(`${dir}.archive-sha256`, actual);
        _log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`cached in ${dir}`);
        return { dir: own, sha256: actual };
    });
}
/** Builds under a temporary tag, checks the plugins in the image, then tags it. */
async function buildChecked(tag, build, pluginsDir, runDir) {
    const temporary = `${_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .IMAGE_REPOSITORY */ .hZ}:building-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)()}`;
    try {
        await _docker_js__WEBPACK_IMPORTED_MODULE_4__/* .buildImage */ ._w(temporary, writeContext(build, pluginsDir, runDir));
        const missing = await missingInImage(temporary, build);
        if (missing.length > 0)
            throw new Error(`the image built for CNI lacks the plugin(s) ${missing.join(', ')} in ${PLUGINS_IN_IMAGE}`);
        await _docker_js__WEBPACK_IMPORTED_MODULE_4__/* .tagImage */ .E$(temporary, tag);
    }
    finally {
        await _docker_js__WEBPACK_IMPORTED_MODULE_4__/* .removeImageTag */ .SR(temporary);
    }
}
/** Plugins the config needs that the image does not have in /opt/cni/bin. */
async function missingInImage(image, build) {
    return _docker_js__WEBPACK_IMPORTED_MODULE_4__/* .missingInImageDir */ .wt(image, PLUGINS_IN_IMAGE, build.config.types);
}
/** @actions/tool-cache, loaded only to download and cache: most of what this step would load. */
const toolCache = () => Promise.all(/* import() */[__webpack_require__.e(507), __webpack_require__.e(805)]).then(__webpack_require__.bind(__webpack_require__, 9805));
/**
 * Runs `fn` holding a lock directory (mkdir is atomic). A lock older than ten minutes is
 * taken to be left by a run that died, and broken.
 */
async function withLock(lock, fn) {
    node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync(node_path__WEBPACK_IMPORTED_MODULE_2__.dirname(lock), { recursive: true });
    for (let waited = 0;; waited += 200) {
        try {
            node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync(lock);
            break;
        }
        catch (err) {
            if (err.code !== 'EEXIST')
                throw err;
            const age = Date.now() - (statTime(lock) ?? Date.now());
            if (age > 10 * 60_000)
                node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync(lock, { recursive: true, force: true });
            else if (waited >= 5 * 60_000)
                throw new Error(`the CNI plugins cache is locked by another run (${lock}) for over 5 minutes`, { cause: err });
            else {
                if (waited === 0)
                    _log_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`another run is filling the CNI plugins cache: waiting (${lock})`);
                await new Promise(r => setTimeout(r, 200));
            }
        }
    }
    try {
        return await fn();
    }
    finally {
        node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync(lock, { recursive: true, force: true });
    }
}
function statTime(p) {
    try {
        return node_fs__WEBPACK_IMPORTED_MODULE_1__.statSync(p).mtimeMs;
    }
    catch {
        return undefined;
    }
}
/** Every plugin the config names must be in the archive: BuildKit would fail to start. */
function checkPluginTypes(build, dir) {
    const missing = build.config.types.filter(t => !node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync(node_path__WEBPACK_IMPORTED_MODULE_2__.join(dir, t)));
    if (missing.length > 0) {
        throw new Error(`${build.config.source} needs the plugin(s) ${missing.join(', ')}, which CNI plugins ${build.pluginsVersion} (${build.pluginsUrl}) does not have`);
    }
}
/** The build context: Dockerfile, the plugins the daemon runs (from this run's copy) and the config. */
function writeContext(build, pluginsDir, runDir) {
    const ctx = node_path__WEBPACK_IMPORTED_MODULE_2__.join(runDir, 'cni-image');
    node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync(node_path__WEBPACK_IMPORTED_MODULE_2__.join(ctx, 'plugins'), { recursive: true, mode: 0o700 });
    // The daemon runs the config's plugins and loopback, nothing else (BuildKit
    // util/network/cniprovider/cni.go New: WithConfFile or WithConfListFile, WithLoNetwork): the
    // rest of a release (~35 of its 44 MB) would only make the build send and the image carry it.
    for (const t of build.config.types)
        node_fs__WEBPACK_IMPORTED_MODULE_1__.copyFileSync(node_path__WEBPACK_IMPORTED_MODULE_2__.join(pluginsDir, t), node_path__WEBPACK_IMPORTED_MODULE_2__.join(ctx, 'plugins', t));
    node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync(node_path__WEBPACK_IMPORTED_MODULE_2__.join(ctx, node_path__WEBPACK_IMPORTED_MODULE_2__.basename((0,_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .configFile */ .Ze)(build.config))), build.config.text);
    node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync(node_path__WEBPACK_IMPORTED_MODULE_2__.join(ctx, 'Dockerfile'), (0,_cni_js__WEBPACK_IMPORTED_MODULE_3__/* .dockerfile */ .TE)(build));
    return ctx;
}


/***/ }),

/***/ 9946:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   OR: () => (/* binding */ readIfExists),
/* harmony export */   RG: () => (/* binding */ download),
/* harmony export */   aY: () => (/* binding */ findCached),
/* harmony export */   lj: () => (/* binding */ findInToolCache),
/* harmony export */   sN: () => (/* binding */ fileSha256)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);



/**
 * Downloads `url` to `dest`. On failure: "could not download WHAT (HTTP n)" or the network
 * error, then `hint(status)`: what to check.
 */
async function download(tc, url, dest, what, hint) {
    try {
        return await tc.downloadTool(url, dest);
    }
    catch (err) {
        const status = err.httpStatusCode;
        throw new Error(`could not download ${what}${status ? ` (HTTP ${status})` : `: ${err.message}`}. ${hint(status)}`, {
            cause: err
        });
    }
}
/** The SHA-256 of a file, read as a stream. */
async function fileSha256(file) {
    const h = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256');
    for await (const chunk of node_fs__WEBPACK_IMPORTED_MODULE_1__.createReadStream(file))
        h.update(chunk);
    return h.digest('hex');
}
/** A small file's trimmed text (a recorded SHA-256), or undefined when there is none. */
function readIfExists(file) {
    try {
        return node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync(file, 'utf8').trim() || undefined;
    }
    catch {
        return undefined;
    }
}
const NUM = '(?:0|[1-9]\\d*)';
const PRE = '(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)';
/** A version tool-cache takes as explicit (semver.valid after semver.clean), without its "v" */
const EXPLICIT = new RegExp(`^v?(${NUM}\\.${NUM}\\.${NUM}(?:-${PRE}(?:\\.${PRE})*)?)$`);
/**
 * @actions/tool-cache's find(tool, version, arch) for a release version, without loading the
 * package: it brings @actions/core and an HTTP client (~100 ms of a step's start-up) for a
 * lookup of two paths. The package's layout (tool-cache.js find, _completeToolPath):
 * <cache root>/<tool>/<version without "v">/<arch>, complete once <arch>.complete exists.
 * '' when not cached; undefined for a version the package would read as a range (ask it).
 * A unit test holds this to the package's own find and cacheDir.
 */
function findCached(cacheRoot, tool, version, arch) {
    const m = EXPLICIT.exec(version);
    if (!m)
        return undefined;
    const dir = node_path__WEBPACK_IMPORTED_MODULE_2__.join(cacheRoot, tool, m[1], arch);
    return node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync(dir) && node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync(`${dir}.complete`) ? dir : '';
}
/** A tool cache entry as the package's find gives it ('' when absent), loading the package only for a version findCached can't read. */
async function findInToolCache(cacheRoot, tool, version, arch) {
    return findCached(cacheRoot, tool, version, arch) ?? (await Promise.all(/* import() */[__webpack_require__.e(507), __webpack_require__.e(805)]).then(__webpack_require__.bind(__webpack_require__, 9805))).find(tool, version, arch);
}


/***/ })

};
