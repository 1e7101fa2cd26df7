import Foundation

/// A fuzz target as the unit tests replay it: its name (the folder of its kept inputs) and the
/// oracle its libFuzzer entry point calls. Generic over the oracle's error, because each test
/// target compiles the fuzz package's oracles (and their error type) itself.
public struct FuzzTarget<Failure: Error>: Sendable, CustomStringConvertible {
    /// The target's name, e.g. `FuzzJSON`.
    public var name: String
    /// The oracle: returns for an input that keeps the target's rules, throws otherwise.
    public var check: @Sendable (UnsafeRawBufferPointer) throws(Failure) -> Void

    /// A target called `name` checked by `check`.
    public init(name: String, check: @escaping @Sendable (UnsafeRawBufferPointer) throws(Failure) -> Void) {
        self.name = name
        self.check = check
    }

    public var description: String { name }

    /// The files of `Fuzz/<folder>/<name>/` (`regressions` or `corpus`).
    public func inputs(_ folder: String) throws -> [URL] { try FuzzInputs.files(folder, name) }

    /// Runs each file through the oracle from an exact-size copy, as libFuzzer hands inputs
    /// over, calling `failed` for each input the oracle rejects; returns how many were replayed.
    public func replay(_ files: [URL], failed: (URL, Failure) -> Void) throws -> Int {
        for file in files {
            try FuzzInputs.withExactCopy(of: file) { input in
                do throws(Failure) {
                    try check(input)
                } catch {
                    failed(file, error)
                }
            }
        }
        return files.count
    }
}
