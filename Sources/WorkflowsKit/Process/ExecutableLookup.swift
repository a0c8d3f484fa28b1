import Foundation

/// `Process.executableURL` does no PATH lookup: this does, as a shell would.
enum ExecutableLookup {
    static func find(_ name: String, path: String?) throws -> URL {
        let fileManager = FileManager.default
        if name.contains("/") {
            guard fileManager.isExecutableFile(atPath: name) else {
                if fileManager.fileExists(atPath: name) { throw ProcessLaunchError.notExecutable(path: name) }
                throw ProcessLaunchError.notFound(executable: name, searchPath: "given as a path")
            }
            return URL(fileURLWithPath: name)
        }
        let searchPath = path ?? ""
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                fileManager.isExecutableFile(atPath: candidate.path)
            {
                return candidate
            }
        }
        throw ProcessLaunchError.notFound(executable: name, searchPath: searchPath)
    }
}
