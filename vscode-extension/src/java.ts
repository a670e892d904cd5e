// Finding a Java runtime for the server. Pure functions: the file system and process
// execution are passed in, so tests run them without VS Code and without a JVM.
import * as path from 'path';

/** The server is compiled for Java 17 (class file 61); older runtimes fail with an obscure error. */
export const MIN_JAVA_VERSION = 17;

export const JAVA_MISSING_MESSAGE =
    'OpenSAFELY needs Java 17 or newer to run its language server. ' +
    'Install a JDK 17+ (for example Eclipse Temurin from https://adoptium.net), ' +
    'then set "opensafely.java.home" to its folder or JAVA_HOME, and reload the window.';

export type JavaSource = 'setting' | 'JAVA_HOME' | 'PATH';

export interface JavaCandidate {
    source: JavaSource;
    executable: string;
}

export interface FoundJava {
    executable: string;
    version: number;
    source: JavaSource;
}

export interface RejectedJava {
    candidate: JavaCandidate;
    reason: string;
}

export type JavaLookup =
    | { ok: true; java: FoundJava; rejected: RejectedJava[] }
    | { ok: false; message: string; rejected: RejectedJava[] };

export interface JavaProbe {
    /** True when the file exists and is executable. */
    isExecutable(file: string): boolean;
    /** Output of `<executable> -version` (the JVM prints it on stderr), or undefined if it did not run. */
    versionOutput(executable: string): Promise<string | undefined>;
}

/**
 * Major version from `java -version` output: `openjdk version "17.0.15" 2025-04-15` gives 17,
 * the pre-9 scheme `java version "1.8.0_292"` gives 8, `"25-ea"` gives 25.
 */
export function parseJavaVersion(output: string): number | undefined {
    const quoted = /version\s+"([^"]+)"/.exec(output);
    const text = quoted ? quoted[1] : /(?:openjdk|java)\s+(\d[\w.+-]*)/i.exec(output)?.[1];
    if (!text) return undefined;
    const parts = /^(\d+)(?:\.(\d+))?/.exec(text);
    if (!parts) return undefined;
    const first = Number(parts[1]);
    if (first === 1 && parts[2] !== undefined) return Number(parts[2]);
    return first;
}

function javaBinary(home: string, platform: NodeJS.Platform): string {
    return path.join(home, 'bin', platform === 'win32' ? 'java.exe' : 'java');
}

/** Where to look, in order: the `opensafely.java.home` setting, then JAVA_HOME, then every PATH entry. */
export function javaCandidates(
    settingHome: string | undefined,
    env: NodeJS.ProcessEnv,
    platform: NodeJS.Platform,
): JavaCandidate[] {
    const candidates: JavaCandidate[] = [];
    if (settingHome && settingHome.trim()) {
        candidates.push({ source: 'setting', executable: javaBinary(settingHome.trim(), platform) });
    }
    const javaHome = env.JAVA_HOME;
    if (javaHome && javaHome.trim()) {
        candidates.push({ source: 'JAVA_HOME', executable: javaBinary(javaHome.trim(), platform) });
    }
    const pathVar = env.PATH ?? env.Path ?? '';
    const sep = platform === 'win32' ? ';' : ':';
    const exe = platform === 'win32' ? 'java.exe' : 'java';
    for (const dir of pathVar.split(sep)) {
        if (dir) candidates.push({ source: 'PATH', executable: path.join(dir, exe) });
    }
    return candidates;
}

/** The first candidate that exists and reports Java 17 or newer; otherwise one message saying what to install. */
export async function findJava(candidates: JavaCandidate[], probe: JavaProbe): Promise<JavaLookup> {
    const rejected: RejectedJava[] = [];
    for (const candidate of candidates) {
        if (!probe.isExecutable(candidate.executable)) {
            // A missing java on a PATH entry is normal; record only the places the user chose.
            if (candidate.source !== 'PATH') rejected.push({ candidate, reason: 'not found' });
            continue;
        }
        const output = await probe.versionOutput(candidate.executable);
        const version = output === undefined ? undefined : parseJavaVersion(output);
        if (version === undefined) {
            rejected.push({ candidate, reason: 'could not run `java -version`' });
        } else if (version < MIN_JAVA_VERSION) {
            rejected.push({ candidate, reason: `Java ${version} is too old` });
        } else {
            return { ok: true, java: { executable: candidate.executable, version, source: candidate.source }, rejected };
        }
    }
    return { ok: false, message: JAVA_MISSING_MESSAGE, rejected };
}

/** One line per place that was tried, for the output channel. */
export function describeRejections(rejected: RejectedJava[]): string[] {
    return rejected.map(r => `${r.candidate.source}: ${r.candidate.executable}: ${r.reason}`);
}

/**
 * A warning when `opensafely.java.home` was set but could not be used, naming what was used instead.
 * Without it the server silently runs on another Java and the user believes their setting works.
 */
export function settingFallbackWarning(lookup: JavaLookup): string | undefined {
    if (!lookup.ok) return undefined;
    const bad = lookup.rejected.find(r => r.candidate.source === 'setting');
    if (!bad) return undefined;
    return `OpenSAFELY: the Java of "opensafely.java.home" (${bad.candidate.executable}) cannot be used: ${bad.reason}. ` +
        `Using Java ${lookup.java.version} from ${lookup.java.source} instead: ${lookup.java.executable}.`;
}

/** The setting that names the Java runtime. */
export const JAVA_HOME_SETTING = 'opensafely.java.home';

/**
 * The command that opens the Settings editor where a machine-scoped setting is listed. In a remote
 * window (Codespaces, SSH, WSL, a dev container, code-server) such settings live on the Remote tab, and
 * the User tab, where `workbench.action.openSettings` lands, says "No Settings Found".
 * Both commands take `{ query }`; the remote one ignores a bare string.
 */
export function openSettingCommand(setting: string, remoteName: string | undefined): { command: string; args: unknown[] } {
    const command = remoteName ? 'workbench.action.openRemoteSettings' : 'workbench.action.openSettings';
    return { command, args: [{ query: setting }] };
}
