export const id = 254;
export const ids = [254];
export const modules = {

/***/ 6254:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  prepareCni: () => (/* binding */ prepareCni)
});

// EXTERNAL MODULE: ./node_modules/@actions/tool-cache/lib/tool-cache.js + 2 modules
var tool_cache = __webpack_require__(9805);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/cni.ts
var src_cni = __webpack_require__(2019);
// EXTERNAL MODULE: ./src/docker.ts
var docker = __webpack_require__(3871);
// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(5625);
// EXTERNAL MODULE: ./src/test-pause.ts
var test_pause = __webpack_require__(476);
;// CONCATENATED MODULE: ./src/versions.ts
// Version numbers of BuildKit, as its daemon prints them. Pure.
/**
 * The version in `buildkitd --version` output: "buildkitd github.com/moby/buildkit v0.29.0
 * <revision>" (cmd/buildkitd/main.go prints app name, package, version, revision).
 */
function parseBuildkitdVersion(printed) {
    return /\bv?(\d+\.\d+\.\d+)(?:[-+][\w.-]*)?\b/.exec(printed.replace(/^buildkitd\s+\S+\s+/, ''))?.[0];
}
/** <0, 0, >0 as a is before, equal to, after b; a pre-release (v0.13.0-rc1) counts as its release. */
function compareVersions(a, b) {
    const parts = (v) => (/(\d+)\.(\d+)\.(\d+)/.exec(v) ?? ['', '0', '0', '0']).slice(1).map(Number);
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < 3; i++)
        if (x[i] !== y[i])
            return x[i] - y[i];
    return 0;
}

;// CONCATENATED MODULE: ./src/cni-image.ts









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
        log/* info */.pq(`using ${cni.image} as it is (cni-image): its plugins and config are its own`);
        return (0,src_cni/* cniAddition */.fQ)(cni.image, `${cni.image} (cni-image)`);
    }
    if ('bridge' in cni)
        return bridge(cni.bridge.subnet, driverOpts);
    const build = cni.build;
    const { dir: pluginsDir, sha256 } = await plugins(build, runDir);
    checkPluginTypes(build, pluginsDir);
    const baseId = await docker/* ensureImage */.Yt(build.baseImage);
    const tag = (0,src_cni/* imageTag */.I_)(baseId, sha256, build);
    const present = (await docker/* imageId */.L(tag)) !== undefined;
    const missing = present ? await missingInImage(tag, build) : [];
    if (present && missing.length === 0) {
        log/* info */.pq(`${tag} is already present, with the plugins the config needs: not building it again`);
    }
    else {
        if (present)
            log/* warning */.$e(`${tag} lacks the plugin(s) ${missing.join(', ')} (left by an interrupted or older run): building it again`);
        await buildChecked(tag, build, pluginsDir, runDir);
        log/* info */.pq(`built ${tag} from ${build.baseImage} (${baseId.slice(0, 19)}), plugins ${build.pluginsVersion} (archive SHA-256 ${sha256})`);
    }
    return (0,src_cni/* cniAddition */.fQ)(tag, `${tag} (built from ${build.baseImage} with CNI plugins ${build.pluginsVersion}, config: ${build.config.source})`);
}
/** cni: bridge needs a daemon that has the mode: BuildKit v0.13 or later. */
async function bridge(subnet, driverOpts) {
    const image = driverOpts.flatMap(o => o.split(',')).find(p => p.startsWith('image='))?.slice('image='.length) ?? src_cni/* DEFAULT_BUILDKIT_IMAGE */.LX;
    const printed = await docker/* buildkitdVersion */.X5(image);
    const version = parseBuildkitdVersion(printed);
    if (version === undefined) {
        log/* warning */.$e(`can't tell the BuildKit version of ${image} from "${printed.trim()}": assuming it has the bridge network mode (${src_cni/* BRIDGE_SINCE */.N8} and later)`);
    }
    else if (compareVersions(version, src_cni/* BRIDGE_SINCE */.N8) < 0) {
        throw new Error(`${image} runs BuildKit ${version}, which has no bridge network mode (it came with ${src_cni/* BRIDGE_SINCE */.N8}): ` +
            'use a newer image (driver-opts image=…), or cni: true, which builds an image with CNI plugins');
    }
    else {
        log/* info */.pq(`${image} runs BuildKit ${version}: bridge network mode, subnet ${subnet ?? 'BuildKit\'s default (10.10.0.0/16)'}`);
    }
    return (0,src_cni/* cniAddition */.fQ)(undefined, `${image} (BuildKit ${version ?? 'version unknown'}), bridge network mode`);
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
    const urls = (0,src_cni/* pluginsUrls */.$d)(build.pluginsUrl, build.pluginsVersion, build.arch);
    const key = (0,src_cni/* cacheArch */.zJ)(build.arch, urls.archive);
    const own = external_node_path_.join(runDir, 'cni-plugins');
    return withLock(external_node_path_.join(cacheRoot, TOOL, `.lock-${build.pluginsVersion}-${key}`), async () => {
        await (0,test_pause/* testPause */.d)('cni-cache');
        const cached = tool_cache/* find */.I6(TOOL, build.pluginsVersion, key);
        const recorded = cached ? readIfExists(`${cached}.archive-sha256`) : undefined;
        if (cached && recorded) {
            log/* info */.pq(`CNI plugins ${build.pluginsVersion} (${build.arch}) from ${urls.archive} found in the tool cache (archive SHA-256 ${recorded})`);
            external_node_fs_.cpSync(cached, own, { recursive: true });
            return { dir: own, sha256: recorded };
        }
        const work = external_node_path_.join(runDir, 'cni-download');
        external_node_fs_.mkdirSync(work, { recursive: true, mode: 0o700 });
        log/* info */.pq(`downloading ${urls.archive}`);
        const archive = await download(urls.archive, external_node_path_.join(work, urls.fileName));
        const sumFile = await download(urls.checksum, external_node_path_.join(work, `${urls.fileName}.sha256`));
        const expected = (0,src_cni/* parseChecksum */.tB)(external_node_fs_.readFileSync(sumFile, 'utf8'), urls.checksum);
        const actual = await fileSha256(archive);
        if (actual !== expected) {
            throw new Error(`checksum mismatch for ${urls.archive}: the archive has SHA-256 ${actual}, ${urls.checksum} says ${expected}. ` +
                'Check cni-plugins-url (a mirror must serve the same files as the release)');
        }
        log/* info */.pq(`SHA-256 ${actual} matches ${urls.checksum}`);
        await tool_cache/* extractTar */.nN(archive, own);
        external_node_fs_.rmSync(work, { recursive: true, force: true });
        const dir = await tool_cache/* cacheDir */.e8(own, TOOL, build.pluginsVersion, key);
        external_node_fs_.writeFileSync(`${dir}.archive-sha256`, actual);
        log/* info */.pq(`cached in ${dir}`);
        return { dir: own, sha256: actual };
    });
}
/** Builds under a temporary tag, checks the plugins in the image, then tags it. */
async function buildChecked(tag, build, pluginsDir, runDir) {
    const temporary = `${src_cni/* IMAGE_REPOSITORY */.hZ}:building-${(0,external_node_crypto_.randomUUID)()}`;
    try {
        await docker/* buildImage */._w(temporary, writeContext(build, pluginsDir, runDir));
        const missing = await missingInImage(temporary, build);
        if (missing.length > 0)
            throw new Error(`the image built for CNI lacks the plugin(s) ${missing.join(', ')} in ${PLUGINS_IN_IMAGE}`);
        await docker/* tagImage */.E$(temporary, tag);
    }
    finally {
        await docker/* removeImageTag */.SR(temporary);
    }
}
/** Plugins the config needs that the image does not have in /opt/cni/bin. */
async function missingInImage(image, build) {
    const present = new Set(await docker/* listImageDir */.hq(image, PLUGINS_IN_IMAGE));
    return build.config.types.filter(t => !present.has(t));
}
/**
 * Runs `fn` holding a lock directory (mkdir is atomic). A lock older than ten minutes is
 * taken to be left by a run that died, and broken.
 */
async function withLock(lock, fn) {
    external_node_fs_.mkdirSync(external_node_path_.dirname(lock), { recursive: true });
    for (let waited = 0;; waited += 200) {
        try {
            external_node_fs_.mkdirSync(lock);
            break;
        }
        catch (err) {
            if (err.code !== 'EEXIST')
                throw err;
            const age = Date.now() - (statTime(lock) ?? Date.now());
            if (age > 10 * 60_000)
                external_node_fs_.rmSync(lock, { recursive: true, force: true });
            else if (waited >= 5 * 60_000)
                throw new Error(`the CNI plugins cache is locked by another run (${lock}) for over 5 minutes`);
            else {
                if (waited === 0)
                    log/* info */.pq(`another run is filling the CNI plugins cache: waiting (${lock})`);
                await new Promise(r => setTimeout(r, 200));
            }
        }
    }
    try {
        return await fn();
    }
    finally {
        external_node_fs_.rmSync(lock, { recursive: true, force: true });
    }
}
function statTime(p) {
    try {
        return external_node_fs_.statSync(p).mtimeMs;
    }
    catch {
        return undefined;
    }
}
function readIfExists(file) {
    try {
        return external_node_fs_.readFileSync(file, 'utf8').trim() || undefined;
    }
    catch {
        return undefined;
    }
}
async function download(url, dest) {
    try {
        return await tool_cache/* downloadTool */.bq(url, dest);
    }
    catch (err) {
        const status = err.httpStatusCode;
        throw new Error(`could not download ${url}${status ? ` (HTTP ${status})` : `: ${err.message}`}. ` +
            'Check cni-plugins-version and cni-plugins-url');
    }
}
async function fileSha256(file) {
    const h = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of external_node_fs_.createReadStream(file))
        h.update(chunk);
    return h.digest('hex');
}
/** Every plugin the config names must be in the archive: BuildKit would fail to start. */
function checkPluginTypes(build, dir) {
    const missing = build.config.types.filter(t => !external_node_fs_.existsSync(external_node_path_.join(dir, t)));
    if (missing.length > 0) {
        throw new Error(`${build.config.source} needs the plugin(s) ${missing.join(', ')}, which CNI plugins ${build.pluginsVersion} (${build.pluginsUrl}) does not have`);
    }
}
/** The build context: Dockerfile, this run's plugins and the config. */
function writeContext(build, pluginsDir, runDir) {
    const ctx = external_node_path_.join(runDir, 'cni-image');
    external_node_fs_.mkdirSync(ctx, { recursive: true, mode: 0o700 });
    external_node_fs_.cpSync(pluginsDir, external_node_path_.join(ctx, 'plugins'), { recursive: true });
    external_node_fs_.writeFileSync(external_node_path_.join(ctx, external_node_path_.basename((0,src_cni/* configFile */.Ze)(build.config))), build.config.text);
    external_node_fs_.writeFileSync(external_node_path_.join(ctx, 'Dockerfile'), (0,src_cni/* dockerfile */.TE)(build));
    return ctx;
}


/***/ })

};
