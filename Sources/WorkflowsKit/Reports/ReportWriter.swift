import Foundation

/// Writes a run's report files into a folder (`report.json`, `junit.xml`, `gl-code-quality-report.json`,
/// `report.sarif`, `summary.md`, and `coverage.xml` when pytest measured coverage, else none, not even an
/// earlier run's), each atomically: a reader (a CI upload,
/// a dashboard polling the folder, the next run) sees the previous whole file or the new whole file,
/// never a torn one, even when the run is killed while writing.
enum ReportWriter {
    static let reportFile = "report.json"
    static let junitFile = "junit.xml"
    static let codeQualityFile = "gl-code-quality-report.json"
    static let sarifFile = "report.sarif"
    static let summaryFile = "summary.md"
    static let coverageFile = "coverage.xml"

    /// The report as `report.json` holds it: pretty printed, keys sorted, slashes unescaped, a final newline.
    static func json(_ report: RunReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(report) + Data("\n".utf8)
    }

    static func decode(_ data: Data) throws -> RunReport {
        try JSONDecoder().decode(RunReport.self, from: data)
    }

    /// Creates `folder` (and its parents) when missing, then writes every file; returns their names.
    @discardableResult
    static func write(_ report: RunReport, to folder: URL) throws -> [String] {
        var files: [(String, Data)]
        do {
            files = [
                (reportFile, try json(report)), (junitFile, Data(JUnitXML.document(report).utf8)),
                (codeQualityFile, try CodeQuality.document(report)), (sarifFile, try SARIF.document(report)),
                (summaryFile, Data(StepSummary.markdown(report).utf8)),
            ]
        } catch {
            throw WorkflowsError(.failed, "Could not encode the run's report: \(error)")
        }
        if let coverage = report.steps.lazy.compactMap({ $0.gates?.lazy.compactMap(\.coverageXML).first }).first {
            files.append((coverageFile, Data(coverage.utf8)))
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (name, data) in files { try writeAtomically(data, to: folder.appendingPathComponent(name)) }
            // A run without coverage leaves no earlier run's coverage.xml behind (a Jenkins workspace is
            // kept between builds): a CI's coverage upload would take it for this run's.
            if !files.contains(where: { $0.0 == coverageFile }) {
                let stale = folder.appendingPathComponent(coverageFile)
                if FileManager.default.fileExists(atPath: stale.path) { try FileManager.default.removeItem(at: stale) }
            }
        } catch let error as WorkflowsError {
            throw error
        } catch {
            throw WorkflowsError(
                .input, "Could not write the run's report to \(folder.path): \(error.localizedDescription)",
                remedy: "Check that the folder is writable and the disk has space, or choose another folder.")
        }
        return files.map(\.0)
    }

    /// A temporary file beside `url` (same folder, so same file system), then `rename(2)` over it.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw WorkflowsError(.input, "Could not rename \(temporary.path) to \(url.path): \(reason).")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
