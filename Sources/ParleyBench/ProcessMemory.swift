import Foundation

/// Reads a local process's memory from /proc (Linux), and finds the process listening on a
/// TCP port, so the bench can report the server's resident memory per connection.
public enum ProcessMemory {
    /// Resident set size of `pid` in bytes (VmRSS), or `nil` if unreadable.
    public static func residentBytes(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kb = Int(fields[1]) { return kb * 1_024 }
        }
        return nil
    }

    /// The process listening on TCP `port` (IPv4 or IPv6), found through the socket's inode
    /// in /proc/net/tcp* and the processes' fd links; `nil` if none is visible.
    public static func listener(port: Int) -> Int32? {
        var inodes: Set<String> = []
        let portHex = String(port, radix: 16, uppercase: true)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let f = line.split(separator: " ", omittingEmptySubsequences: true)
                guard f.count > 9, f[3] == "0A", let local = f[1].split(separator: ":").last,
                      local.drop(while: { $0 == "0" }) == Substring(portHex) else { continue }
                inodes.insert("socket:[\(f[9])]")
            }
        }
        guard !inodes.isEmpty, let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for pid in pids.compactMap(Int32.init) {
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            for fd in fds {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"), inodes.contains(target) {
                    return pid
                }
            }
        }
        return nil
    }
}
