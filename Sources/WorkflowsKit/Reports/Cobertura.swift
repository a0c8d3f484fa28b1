import Foundation

/// The Cobertura XML coverage.py writes (`pytest --cov-report=xml`), made readable where the repository
/// is: each class's `filename` becomes its path from the repository root, and `<sources>` the checkout's
/// absolute path, as GitLab's `coverage_report` and Azure's coverage tasks read it. coverage.py writes
/// names relative to one of its `<source>` folders (paths in the container); the one under which the
/// file exists in the checkout is taken.
enum Cobertura {
    /// The totals of the root `<coverage>` element.
    static func summary(_ xml: String) -> CoverageReport? {
        guard let open = firstTag("coverage", in: xml) else { return nil }
        let attributes = self.attributes(of: open)
        guard let lineRate = attributes["line-rate"].flatMap(Double.init) else { return nil }
        return CoverageReport(
            lineRate: lineRate, linesCovered: attributes["lines-covered"].flatMap(Int.init),
            linesValid: attributes["lines-valid"].flatMap(Int.init),
            branchRate: attributes["branches-valid"].flatMap(Int.init).flatMap { $0 > 0 ? attributes["branch-rate"].flatMap(Double.init) : nil })
    }

    /// The document with repository paths. `exists` answers for a path relative to the repository root.
    static func rewrite(
        _ xml: String, paths: RepositoryPaths, repositoryRoot: String, exists: (String) -> Bool
    ) -> String {
        let sources = matches(of: "<source>([^<]*)</source>", in: xml).map { XMLText.unescape($0) }
        func repositoryPath(_ filename: String) -> String {
            let candidates = sources.map { source in
                paths.repositoryPath(source.hasSuffix("/") ? source + filename : source + "/" + filename)
            } + [paths.repositoryPath(filename)]
            return candidates.first(where: exists) ?? candidates[0]
        }
        var result = replacing(pattern: #"(<class\b[^>]*?\sfilename=")([^"]*)(")"#, in: xml) { groups in
            groups[1] + XMLText.attribute(repositoryPath(XMLText.unescape(groups[2]))) + groups[3]
        }
        result = replacing(pattern: #"<sources>[\s\S]*?</sources>"#, in: result) { _ in
            "<sources>\n\t\t<source>" + XMLText.content(repositoryRoot) + "</source>\n\t</sources>"
        }
        return result
    }

    // MARK: - Text

    private static func firstTag(_ name: String, in xml: String) -> String? {
        guard let range = xml.range(of: "<\(name)\\b[^>]*>", options: .regularExpression) else { return nil }
        return String(xml[range])
    }

    private static func attributes(of tag: String) -> [String: String] {
        var result: [String: String] = [:]
        for groups in allGroups(of: #"([A-Za-z_:-]+)="([^"]*)""#, in: tag) { result[groups[1]] = XMLText.unescape(groups[2]) }
        return result
    }

    private static func matches(of pattern: String, in text: String) -> [String] {
        allGroups(of: pattern, in: text).map { $0[1] }
    }

    private static func allGroups(of pattern: String, in text: String) -> [[String]] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        let nsText = text as NSString
        return expression.matches(in: text, range: NSRange(location: 0, length: nsText.length)).map { match in
            (0..<match.numberOfRanges).map { index in
                let range = match.range(at: index)
                return range.location == NSNotFound ? "" : nsText.substring(with: range)
            }
        }
    }

    private static func replacing(pattern: String, in text: String, _ transform: ([String]) -> String) -> String {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return text }
        let nsText = text as NSString
        var result = ""
        var last = 0
        for match in expression.matches(in: text, range: NSRange(location: 0, length: nsText.length)) {
            result += nsText.substring(with: NSRange(location: last, length: match.range.location - last))
            let groups = (0..<match.numberOfRanges).map { index -> String in
                let range = match.range(at: index)
                return range.location == NSNotFound ? "" : nsText.substring(with: range)
            }
            result += transform(groups)
            last = match.range.location + match.range.length
        }
        return result + nsText.substring(from: last)
    }
}

/// What pytest-cov measured, as `report.json` records it (`steps[].gates[].coverage`).
struct CoverageReport: Codable, Sendable, Equatable {
    /// Covered lines over measured lines, 0 to 1.
    var lineRate: Double
    var linesCovered: Int?
    var linesValid: Int?
    /// When branches were measured.
    var branchRate: Double?
    /// The report folder's Cobertura file.
    var file = ReportWriter.coverageFile

    /// `87.5%`.
    var percent: String { String(format: "%.1f%%", lineRate * 100) }

    /// `Coverage: 87.5% of lines (35 of 40)`.
    var sentence: String {
        "Coverage: \(percent) of lines"
            + (linesCovered.flatMap { covered in linesValid.map { " (\(covered) of \($0))" } } ?? "")
            + (branchRate.map { String(format: ", %.1f%% of branches", $0 * 100) } ?? "")
    }
}
