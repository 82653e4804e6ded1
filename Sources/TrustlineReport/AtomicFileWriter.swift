// AtomicFileWriter — writes a report so that a reader (the next nightly run, a CI artifact upload)
// sees either the old file or the new one, never half of one: temp file in the same directory,
// fsync, rename over the target, fsync the directory. The temp file never outlives a failure.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replaces files atomically.
public enum AtomicFileWriter {
    /// Writes `data` to `url`, creating its directory when needed.
    ///
    /// - Parameter permissions: the new file's mode before the umask (`0o644`; `0o755` for a script).
    /// - Throws: ``AtomicWriteError`` naming the file, the step that failed and the system's reason.
    public static func write(_ data: Data, to url: URL, permissions: mode_t = 0o644) throws {
        let target = url.standardizedFileURL
        let directory = target.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw AtomicWriteError(path: target.path, step: "create the directory \(directory.path)", reason: describe(error))
        }

        let temporary = directory.appendingPathComponent(".\(target.lastPathComponent).\(getpid()).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard descriptor >= 0 else {
            throw AtomicWriteError(path: target.path, step: "create a temporary file in \(directory.path)", reason: errnoText())
        }
        var closed = false
        do {
            try writeAll(data, to: descriptor, path: target.path)
            guard fsync(descriptor) == 0 else { throw AtomicWriteError(path: target.path, step: "flush it to disk", reason: errnoText()) }
            closed = true
            guard close(descriptor) == 0 else { throw AtomicWriteError(path: target.path, step: "close it", reason: errnoText()) }
            guard rename(temporary.path, target.path) == 0 else {
                throw AtomicWriteError(path: target.path, step: "move it into place", reason: errnoText())
            }
        } catch {
            if !closed { close(descriptor) }
            unlink(temporary.path)
            throw error
        }
        syncDirectory(directory.path)
    }

    private static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard var pointer = buffer.baseAddress else { return }
            var remaining = buffer.count
            while remaining > 0 {
                let written = systemWrite(descriptor, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw AtomicWriteError(path: path, step: "write it", reason: errnoText())
                }
                remaining -= written
                pointer += written
            }
        }
    }

    /// Makes the rename itself durable; best effort (some file systems refuse fsync on a directory).
    private static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }

    private static func describe(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? error.localizedDescription
    }
}

/// `write(2)`, called apart from the enclosing `write(_:to:)`.
private func systemWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}
