import Foundation
import Synchronization

/// A server process the bench starts on a loopback port and stops again: Redis and NATS with
/// the settings of a plain pub/sub comparison, or `parley serve` as the bench needs it. Used by
/// `parley bench compare` and by tests.
///
/// Spawned with no signal blocked and every signal's default action (`posix_spawn`): a child
/// of `Foundation.Process` started from a Swift concurrency thread inherits that thread's mask,
/// in which SIGTERM, SIGINT and SIGPIPE are blocked, so Redis would never see its SIGTERM.
public final class LocalServer: Sendable {
    /// Which server it is.
    public let kind: ServerKind
    /// The port its clients connect to (Parley: the byte-stream binding).
    public let port: Int
    /// The server's process id.
    public let pid: Int32
    /// The exit status once reaped (`waitpid`), `nil` while it runs.
    private let exitStatus = Mutex<Int32?>(nil)

    private init(kind: ServerKind, port: Int, pid: Int32) {
        self.kind = kind
        self.port = port
        self.pid = pid
    }

    /// Starts `kind`'s server from `executable` on 127.0.0.1:`port` and waits (at most 15 s)
    /// until it accepts connections. Redis runs without persistence (`--save '' --appendonly
    /// no`); NATS with its defaults; Parley (`executable` is the `parley` binary) with the
    /// token key `keyHex`, an in-memory store, raised per-session message limits and no
    /// per-address limits (every bench connection comes from one address), its HTTP side
    /// on `httpPort`.
    /// - Throws: ``BenchError/invalid(_:)`` if it exits or does not listen in time.
    public static func start(_ kind: ServerKind, executable: String, port: Int, httpPort: Int = 0, keyHex: String = "") async throws -> LocalServer {
        let arguments: [String] = switch kind {
        case .redis: ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"]
        case .nats: ["-a", "127.0.0.1", "-p", "\(port)"]
        case .parley:
            [
                "serve", "--host", "127.0.0.1", "--port", "\(port)", "--http-port", "\(httpPort)", "--key", keyHex, "--store", "memory",
                "--message-rate", "1000000000", "--message-burst", "1000000", "--address-connections", "0",
                "--address-handshakes-per-minute", "0", "--address-anonymous-per-hour", "0", "--address-conversations-per-hour", "0",
            ]
        }
        let server = LocalServer(kind: kind, port: port, pid: try spawn(executable, arguments))
        for _ in 0..<300 {
            if let status = server.reap() { throw BenchError.invalid("\(executable) exited with status \(status) on start") }
            if accepts(port: port) { return server }
            try await Task.sleep(for: .milliseconds(50))
        }
        await server.stop()
        throw BenchError.invalid("\(executable) did not listen on port \(port) within 15 s")
    }

    /// Stops the server: SIGINT (Parley's graceful stop) or SIGTERM, then SIGKILL if it has not
    /// exited within 5 s; returns once it is reaped.
    public func stop() async {
        guard reap() == nil else { return }
        kill(pid, kind == .parley ? SIGINT : SIGTERM)
        for _ in 0..<100 {
            if reap() != nil { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
        kill(pid, SIGKILL)
        while reap(blocking: true) == nil {}
    }

    /// The exit status if the process has exited (reaping it once), else `nil`.
    private func reap(blocking: Bool = false) -> Int32? {
        exitStatus.withLock { exitStatus in
            if exitStatus == nil {
                var status: Int32 = 0
                let reaped = waitpid(pid, &status, blocking ? 0 : WNOHANG)
                if reaped == pid || (reaped == -1 && errno == ECHILD) { exitStatus = status }
            }
            return exitStatus
        }
    }

    /// Starts `executable` with `arguments`, standard input and output on /dev/null, no other
    /// descriptor inherited, no signal blocked and every signal's default action; returns its
    /// process id.
    private static func spawn(_ executable: String, _ arguments: [String]) throws -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        sigdelset(&everySignal, SIGKILL)
        sigdelset(&everySignal, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var files = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&files)
        defer { posix_spawn_file_actions_destroy(&files) }
        posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&files, 2, "/dev/null", O_WRONLY, 0)
        // Nothing else of this process: its sockets (a test run's other servers and clients)
        // must not stay open in the child after this process closes them.
        // (glibc 2.34+; Swift's Glibc module does not import it, so it is looked up).
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&files, 3)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var pid: Int32 = 0
        let failure = posix_spawn(&pid, executable, &files, &attributes, argv, environ)
        guard failure == 0 else { throw BenchError.invalid("cannot start \(executable): \(String(cString: strerror(failure)))") }
        return pid
    }

    /// The path of the executable `name` on `PATH` or in the usual system folders (Debian puts
    /// `nats-server` in /usr/sbin, which a user's `PATH` may lack), or `nil`.
    public static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map(String.init) ?? []
        let folders = path + ["/usr/local/bin", "/usr/bin", "/usr/sbin", "/usr/local/sbin", "/bin", "/sbin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and released; another
    /// process may take it in between).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError.invalid("socket() failed") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BenchError.invalid("no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
