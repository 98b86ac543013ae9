export const id = 678;
export const ids = [678];
export const modules = {

/***/ 3678:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  prepareCni: () => (/* binding */ prepareCni)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/cni/settings.ts
var settings = __webpack_require__(1467);
// EXTERNAL MODULE: ./src/docker/cli.ts + 2 modules
var cli = __webpack_require__(9345);
// EXTERNAL MODULE: ./src/docker/mirror-refs.ts
var mirror_refs = __webpack_require__(3184);
// EXTERNAL MODULE: ./src/docker/through-mirror.ts
var through_mirror = __webpack_require__(9069);
// EXTERNAL MODULE: ./src/docker/driver-opts.ts
var driver_opts = __webpack_require__(6787);
// EXTERNAL MODULE: ./src/install/downloads.ts
var downloads = __webpack_require__(5362);
// EXTERNAL MODULE: ./src/runner/log.ts
var log = __webpack_require__(7708);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./src/install/tar.ts



const BLOCK = 512;
/** Feed it the uncompressed tar stream in chunks of any size; `onEntry` gets each entry. */
class TarReader {
    onEntry;
    wanted;
    /** Bytes received and not read yet, kept as chunks until `need` of them are there */
    chunks = [];
    have = 0;
    header;
    ended = false;
    longName;
    paxPath;
    constructor(onEntry, 
    /** Whether an entry's data is wanted (others are skipped, not kept in memory) */
    wanted = () => true) {
        this.onEntry = onEntry;
        this.wanted = wanted;
    }
    write(chunk) {
        if (this.ended)
            return;
        this.chunks.push(chunk);
        this.have += chunk.length;
        for (;;) {
            if (this.header === undefined) {
                if (this.have < BLOCK)
                    return;
                const header = this.take(BLOCK);
                if (header.every(b => b === 0)) {
                    this.ended = true; // the end-of-archive blocks
                    return;
                }
                checkHeader(header);
                this.header = header;
            }
            const size = octal(this.header.subarray(124, 136), 'size');
            const padded = Math.ceil(size / BLOCK) * BLOCK;
            if (this.have < padded)
                return;
            const data = this.take(padded).subarray(0, size);
            const header = this.header;
            this.header = undefined;
            this.entry(header, data);
        }
    }
    /** Throws when the stream stopped inside an entry (a truncated archive). */
    end() {
        if (!this.ended && (this.have > 0 || this.header !== undefined))
            throw new Error('the tar stream ends inside an entry (truncated archive)');
    }
    /** The next n bytes (n <= have), joined into one buffer only now. */
    take(n) {
        const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.have);
        const rest = all.subarray(n);
        this.chunks = rest.length > 0 ? [rest] : [];
        this.have = rest.length;
        return all.subarray(0, n);
    }
    entry(header, data) {
        const type = String.fromCharCode(header[156] || 0x30);
        if (type === 'L') {
            this.longName = cString(data);
            return;
        }
        if (type === 'x') {
            this.paxPath = paxRecords(data).path ?? this.paxPath;
            return;
        }
        if (type === 'g')
            return;
        const prefix = header.subarray(257, 263).toString('latin1').startsWith('ustar') ? cString(header.subarray(345, 500)) : '';
        const stored = this.paxPath ?? this.longName ?? (prefix ? `${prefix}/` : '') + cString(header.subarray(0, 100));
        this.paxPath = this.longName = undefined;
        const name = stored.replace(/^(\.\/)+/, '');
        const kind = type === '\0' || type === '7' ? '0' : type;
        if (!this.wanted(name, kind))
            return;
        this.onEntry({ name, type: kind, mode: octal(header.subarray(100, 108), 'mode'), data: Buffer.from(data) }); // a copy: data may be a view of a larger chunk
    }
}
/** The header's checksum: the sum of its bytes, the checksum field counted as spaces. */
function checkHeader(header) {
    let sum = 0;
    for (let i = 0; i < BLOCK; i++)
        sum += i >= 148 && i < 156 ? 0x20 : header[i];
    if (octal(header.subarray(148, 156), 'checksum') !== sum)
        throw new Error('not a tar archive (a header checksum does not match)');
}
function octal(field, what) {
    if (field[0] & 0x80)
        throw new Error(`tar header ${what} in base-256, which release archives don't use`);
    const text = cString(field).trim();
    if (text === '')
        return 0;
    if (!/^[0-7]+$/.test(text))
        throw new Error(`not a tar archive (header ${what} "${text}" is not octal)`);
    return parseInt(text, 8);
}
function cString(b) {
    const end = b.indexOf(0);
    return b.subarray(0, end === -1 ? b.length : end).toString('utf8');
}
/** pax extended header records: "<length> <key>=<value>\n" */
function paxRecords(data) {
    const out = {};
    let i = 0;
    while (i < data.length) {
        const space = data.indexOf(0x20, i);
        if (space === -1)
            break;
        const len = parseInt(data.subarray(i, space).toString('latin1'), 10);
        if (!(len > 0))
            break;
        const record = data.subarray(space + 1, i + len - 1).toString('utf8');
        const eq = record.indexOf('=');
        if (eq > 0)
            out[record.slice(0, eq)] = record.slice(eq + 1);
        i += len;
    }
    return out;
}
/**
 * Reads a .tgz once: its SHA-256 (of the compressed file, as published) and the regular
 * files at its top level whose names `want` holds. The caller must compare the hash before
 * trusting any of the files.
 */
async function readTgz(file, want) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    const files = new Map();
    const reader = new TarReader(e => files.set(e.name, e.data), (name, type) => type === '0' && want.has(name));
    const gunzip = (0,external_node_zlib_.createGunzip)();
    gunzip.on('data', (c) => {
        try {
            reader.write(c);
        }
        catch (err) {
            gunzip.destroy(err);
        }
    });
    const done = new Promise((resolve, reject) => {
        gunzip.on('end', resolve);
        gunzip.on('error', reject);
    });
    done.catch(() => undefined); // awaited below; a corrupt stream must not go unhandled meanwhile
    try {
        for await (const chunk of external_node_fs_.createReadStream(file)) {
            hash.update(chunk);
            if (!gunzip.write(chunk))
                await Promise.race([new Promise(r => gunzip.once('drain', r)), done]);
        }
        gunzip.end();
        await done;
        reader.end();
    }
    catch (err) {
        gunzip.destroy();
        throw new Error(`${file} is not a readable .tgz archive: ${err.message}`, { cause: err });
    }
    return { sha256: hash.digest('hex'), files };
}

// EXTERNAL MODULE: ./src/runner/test-pause.ts
var test_pause = __webpack_require__(3879);
// EXTERNAL MODULE: ./src/buildkit/versions.ts
var versions = __webpack_require__(8195);
;// CONCATENATED MODULE: ./src/cni/image.ts













const CHECK_INPUTS = () => 'Check cni-plugins-version and cni-plugins-url';
// Makes the builder's CNI networking possible before it is created: the user's image
// (cni-image), BuildKit's own bridge mode (cni: bridge: the daemon's version is checked), or
// an image built here from the base image, the containernetworking plugins (downloaded
// once and kept in the tool cache as the archive itself, which is checked against the
// published .sha256 or cni-plugins-sha256 every time it is read) and the network config.
//
// Runs at once on one runner share the tool cache and the engine's images, so: the cache
// entry is written and read under a lock; the image is built from this run's own verified
// copy of the plugins, under a temporary tag, checked (every plugin the config needs is in
// the image), and only then tagged; an image found under the tag is checked the same way
// before it is reused. Nothing partial is left under the final tag or in the cache.
const TOOL = 'cni-plugins';
const PLUGINS_IN_IMAGE = '/opt/cni/bin';
/**
 * `viaMirror`: takes a Docker Hub base image that is not on the runner from the docker.io
 * mirrors (pulled on the runner's engine, through-mirror.ts), when the mirrors are on.
 */
async function prepareCni(cni, runDir, driverOpts, viaMirror) {
    if ('image' in cni) {
        log/* info */.pq(`using ${cni.image} as it is (cni-image): its plugins and config are its own`);
        return (0,settings/* cniAddition */.fQ)(cni.image, `${cni.image} (cni-image)`);
    }
    if ('bridge' in cni)
        return bridge(cni.bridge.subnet, driverOpts);
    const { tag, from } = await imageFor(cni.build, runDir, viaMirror);
    return (0,settings/* cniAddition */.fQ)(tag, `${tag} (built from ${from} with CNI plugins ${cni.build.pluginsVersion}, config: ${cni.build.config.source})`);
}
/**
 * The base image when it is not on the runner: pulled through the docker.io mirrors when
 * they are on and serve it (the image is then built FROM the mirror's reference), else pulled
 * by its own reference.
 */
async function fetchBase(build, viaMirror) {
    const hub = viaMirror ? (0,mirror_refs/* hubImage */.jl)(build.baseImage) : undefined;
    const source = hub && viaMirror ? await viaMirror(hub) : undefined;
    const ref = source?.ref ?? build.baseImage;
    const from = source?.mirror !== undefined ? `${ref} (${(0,through_mirror/* sourceText */.r)(source)}, ${source.digest ?? ''})` : ref;
    return { id: await cli/* ensureImage */.Yt(ref), build: { ...build, baseImage: ref }, from };
}
/** The CNI image: the one a run before built (readyImage), or one built now. */
async function imageFor(asked, runDir, viaMirror) {
    // The base image (pulled when missing) and the archive's published sum at once; then the
    // plugins while a missing base image is still being pulled.
    const local = cli/* imageId */.L(asked.baseImage);
    const base = local.then(id => (id !== undefined ? { id, build: asked, from: asked.baseImage } : fetchBase(asked, viaMirror)));
    base.catch(() => undefined); // its error is thrown below, once the plugins are settled too
    const urls = (0,settings/* pluginsUrls */.$d)(asked.pluginsUrl, asked.pluginsVersion, asked.arch);
    const sum = await publishedSum(asked, urls);
    const ready = await settled(readyImage(asked, local, sum));
    if (ready.value)
        return { tag: ready.value, from: asked.baseImage };
    const [pluginsGot, baseGot] = await Promise.allSettled([plugins(asked, urls, sum, runDir), base]);
    if (pluginsGot.status === 'rejected')
        throw pluginsGot.reason;
    if (baseGot.status === 'rejected')
        throw baseGot.reason;
    const pluginsDir = pluginsGot.value;
    const { id: baseId, build, from } = baseGot.value;
    checkPluginTypes(build, pluginsDir);
    const tag = (0,settings/* imageTag */.I_)(baseId, sum.sha256, build);
    const present = (await cli/* imageId */.L(tag)) !== undefined;
    const missing = present ? await missingInImage(tag, build) : [];
    if (present && missing.length === 0) {
        log/* info */.pq(`${tag} is already present, with the plugins the config needs: not building it again`);
    }
    else {
        if (present)
            log/* warning */.$e(`${tag} lacks the plugin(s) ${missing.join(', ')} (left by an interrupted or older run): building it again`);
        await buildChecked(tag, build, pluginsDir, runDir);
        log/* info */.pq(`built ${tag} from ${build.baseImage} (${baseId.slice(0, 19)}), plugins ${build.pluginsVersion} (archive SHA-256 ${sum.sha256})`);
    }
    return { tag, from };
}
/**
 * cni-plugins-sha256, or the `.sha256` published beside the archive, fetched on every run
 * (one small request): never a sum stored in the tool cache, which whoever can change the
 * cached archive could change too.
 */
async function publishedSum(build, urls) {
    if (build.sha256 !== undefined)
        return { sha256: build.sha256, source: 'cni-plugins-sha256' };
    const text = await (0,downloads/* fetchText */.Sy)(urls.checksum, urls.checksum, CHECK_INPUTS);
    return { sha256: (0,settings/* parseChecksum */.tB)(text, urls.checksum), source: urls.checksum };
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
 * its tag comes from the base image and the trusted sum (a tag is only ever given to an image
 * built from an archive checked against that sum), so neither the plugins nor the tool cache
 * are touched (no lock, no copy). undefined when anything is missing (the base image too: it
 * is not waited for while it is pulled): imageFor then takes the full path, which says why.
 */
async function readyImage(build, local, sum) {
    const baseId = await local;
    if (baseId === undefined)
        return undefined; // being pulled: an image built from it is unlikely, and the full path would find it
    const tag = (0,settings/* imageTag */.I_)(baseId, sum.sha256, build);
    if ((await cli/* imageId */.L(tag)) === undefined || (await missingInImage(tag, build)).length > 0)
        return undefined;
    log/* info */.pq(`CNI plugins ${build.pluginsVersion} (${build.arch}): archive SHA-256 ${sum.sha256} (${sum.source})`);
    log/* info */.pq(`${tag} is already present, with the plugins the config needs: not building it again`);
    return tag;
}
/** cni: bridge needs a daemon that has the mode: BuildKit v0.13 or later. */
async function bridge(subnet, driverOpts) {
    const image = (0,driver_opts/* driverOptValue */.HT)(driverOpts, 'image') ?? settings/* DEFAULT_BUILDKIT_IMAGE */.LX;
    const printed = await cli/* buildkitdVersion */.X5(image);
    const version = (0,versions/* parseBuildkitdVersion */.C2)(printed);
    if (version === undefined) {
        log/* warning */.$e(`can't tell the BuildKit version of ${image} from "${printed.trim()}": assuming it has the bridge network mode (${settings/* BRIDGE_SINCE */.N8} and later)`);
    }
    else if ((0,versions/* compareVersions */.Zy)(version, settings/* BRIDGE_SINCE */.N8) < 0) {
        throw new Error(`${image} runs BuildKit ${version}, which has no bridge network mode (it came with ${settings/* BRIDGE_SINCE */.N8}): ` +
            'use a newer image (driver-opts image=…), or cni: true, which builds an image with CNI plugins');
    }
    else {
        log/* info */.pq(`${image} runs BuildKit ${version}: bridge network mode, subnet ${subnet ?? "BuildKit's default (10.10.0.0/16)"}`);
    }
    return (0,settings/* cniAddition */.fQ)(undefined, `${image} (BuildKit ${version ?? 'version unknown'}), bridge network mode`);
}
/**
 * The plugins the config needs, as this run's own copy (a directory under runDir), read out
 * of the archive in the same pass that hashes it: from the tool cache, which keeps the archive
 * itself, or downloaded (and then cached). Either way the archive must have the trusted sum
 * before any of its files is used. The cache is read and written under a lock, so runs at once
 * neither read an entry another is writing nor write one twice.
 */
async function plugins(build, urls, sum, runDir) {
    const cacheRoot = process.env.RUNNER_TOOL_CACHE;
    if (!cacheRoot)
        throw new Error('RUNNER_TOOL_CACHE is not set: the CNI plugins are kept in the runner tool cache');
    const key = (0,settings/* cacheArch */.zJ)(build.arch, urls.archive);
    const own = external_node_path_.join(runDir, 'cni-plugins');
    return withLock(external_node_path_.join(cacheRoot, TOOL, `.lock-${build.pluginsVersion}-${key}`), async () => {
        await (0,test_pause/* testPause */.d)('cni-cache');
        const cached = await (0,downloads/* findInToolCache */.lj)(cacheRoot, TOOL, build.pluginsVersion, key);
        const cachedArchive = cached ? external_node_path_.join(cached, urls.fileName) : undefined;
        if (cachedArchive && external_node_fs_.existsSync(cachedArchive)) {
            const got = await readTgz(cachedArchive, new Set(build.config.types));
            if (got.sha256 !== sum.sha256) {
                throw new Error(`the tool cache holds a CNI plugins archive that is not the published one: ${cachedArchive} has SHA-256 ${got.sha256}, ` +
                    `${sum.source} says ${sum.sha256}. Nothing was built from it. Remove the entry (${cached} and ${cached}.complete) from the ` +
                    "runner's tool cache, and find out who wrote it: anyone who can write there can change what later jobs run");
            }
            log/* info */.pq(`CNI plugins ${build.pluginsVersion} (${build.arch}) from ${urls.archive} found in the tool cache: SHA-256 ${got.sha256} matches ${sum.source}`);
            writePlugins(got.files, own);
            return own;
        }
        if (cached)
            log/* info */.pq(`the tool cache entry ${cached} holds no archive (left by an older version of this action): downloading it again`);
        const tc = await toolCache();
        const work = external_node_path_.join(runDir, 'cni-download');
        external_node_fs_.mkdirSync(work, { recursive: true, mode: 0o700 });
        log/* info */.pq(`downloading ${urls.archive}`);
        const archive = await (0,downloads/* download */.RG)(tc, urls.archive, external_node_path_.join(work, urls.fileName), urls.archive, CHECK_INPUTS);
        const got = await readTgz(archive, new Set(build.config.types));
        if (got.sha256 !== sum.sha256) {
            throw new Error(`checksum mismatch for ${urls.archive}: the archive has SHA-256 ${got.sha256}, ${sum.source} says ${sum.sha256}. ` +
                'Check cni-plugins-url (a mirror must serve the same files as the release)');
        }
        log/* info */.pq(`SHA-256 ${got.sha256} matches ${sum.source}`);
        writePlugins(got.files, own);
        const dir = await tc.cacheFile(archive, urls.fileName, TOOL, build.pluginsVersion, key);
        external_node_fs_.rmSync(work, { recursive: true, force: true });
        log/* info */.pq(`cached in ${dir}`);
        return own;
    });
}
function writePlugins(files, dir) {
    external_node_fs_.mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const [name, data] of files)
        external_node_fs_.writeFileSync(external_node_path_.join(dir, name), data, { mode: 0o755 });
}
/** Builds under a temporary tag, checks the plugins in the image, then tags it. */
async function buildChecked(tag, build, pluginsDir, runDir) {
    const temporary = `${settings/* IMAGE_REPOSITORY */.hZ}:building-${(0,external_node_crypto_.randomUUID)()}`;
    try {
        await cli/* buildImage */._w(temporary, writeContext(build, pluginsDir, runDir));
        const missing = await missingInImage(temporary, build);
        if (missing.length > 0)
            throw new Error(`the image built for CNI lacks the plugin(s) ${missing.join(', ')} in ${PLUGINS_IN_IMAGE}`);
        await cli/* tagImage */.E$(temporary, tag);
    }
    finally {
        await cli/* removeImageTag */.SR(temporary);
    }
}
/** Plugins the config needs that the image does not have in /opt/cni/bin. */
async function missingInImage(image, build) {
    return cli/* missingInImageDir */.wt(image, PLUGINS_IN_IMAGE, build.config.types);
}
/** @actions/tool-cache, loaded only to download and cache: most of what this step would load. */
const toolCache = () => Promise.all(/* import() */[__webpack_require__.e(507), __webpack_require__.e(805)]).then(__webpack_require__.bind(__webpack_require__, 9805));
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
                throw new Error(`the CNI plugins cache is locked by another run (${lock}) for over 5 minutes`, { cause: err });
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
/** Every plugin the config names must be in the archive: BuildKit would fail to start. */
function checkPluginTypes(build, dir) {
    const missing = build.config.types.filter(t => !external_node_fs_.existsSync(external_node_path_.join(dir, t)));
    if (missing.length > 0) {
        throw new Error(`${build.config.source} needs the plugin(s) ${missing.join(', ')}, which CNI plugins ${build.pluginsVersion} (${build.pluginsUrl}) does not have`);
    }
}
/** The build context: Dockerfile, the plugins the daemon runs (from this run's copy) and the config. */
function writeContext(build, pluginsDir, runDir) {
    const ctx = external_node_path_.join(runDir, 'cni-image');
    external_node_fs_.mkdirSync(external_node_path_.join(ctx, 'plugins'), { recursive: true, mode: 0o700 });
    // The daemon runs the config's plugins and loopback, nothing else (BuildKit
    // util/network/cniprovider/cni.go New: WithConfFile or WithConfListFile, WithLoNetwork): the
    // rest of a release (~35 of its 44 MB) would only make the build send and the image carry it.
    for (const t of build.config.types)
        external_node_fs_.copyFileSync(external_node_path_.join(pluginsDir, t), external_node_path_.join(ctx, 'plugins', t));
    external_node_fs_.writeFileSync(external_node_path_.join(ctx, external_node_path_.basename((0,settings/* configFile */.Ze)(build.config))), build.config.text);
    external_node_fs_.writeFileSync(external_node_path_.join(ctx, 'Dockerfile'), (0,settings/* dockerfile */.TE)(build));
    return ctx;
}


/***/ })

};
