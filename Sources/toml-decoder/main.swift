import Foundation
import TOML

/// toml-test's decoder interface: TOML on standard input, tagged JSON on standard output;
/// for invalid TOML, the error (with line and column) on standard error and exit status 1.
do {
    let table = try TOMLDecoder.parse(FileHandle.standardInput.readDataToEndOfFile(), file: "stdin")
    FileHandle.standardOutput.write(Data((TOMLTaggedJSON.encode(table) + "\n").utf8))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
