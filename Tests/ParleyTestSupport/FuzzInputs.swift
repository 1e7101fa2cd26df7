import Foundation

/// The kept inputs of the fuzz targets (`Fuzz/regressions/<Target>/`, `Fuzz/corpus/<Target>/`),
/// for the unit tests that replay them through the targets' oracles without libFuzzer.
public enum FuzzInputs {
    /// The input files of `Fuzz/<folder>/<target>/`, skipping READMEs and hidden files, sorted.
    public static func files(_ folder: String, _ target: String) throws -> [URL] {
        let url = SpecFiles.root.appendingPathComponent("Fuzz").appendingPathComponent(folder).appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") && $0.lastPathComponent != "README.md" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Calls `body` with the file's bytes in an exact-size buffer, as libFuzzer hands inputs
    /// over (so an out-of-bounds read is not hidden by slack).
    public static func withExactCopy(of file: URL, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        let bytes = try Data(contentsOf: file)
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { copy.deallocate() }
        copy.copyBytes(from: bytes)
        body(UnsafeRawBufferPointer(copy))
    }
}
