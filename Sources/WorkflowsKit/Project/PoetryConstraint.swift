import Foundation
import TOML

/// Poetry's dependency specifications as PEP 508 requirement lines, as Poetry itself translates them:
/// `^1.2.3` → `>=1.2.3,<2.0.0` (the left-most non-zero part may not change), `~1.2.3` → `>=1.2.3,<1.3.0`,
/// `*` → any version, a bare `1.2.3` → `==1.2.3`; tables keep `version`, `extras` and `markers`.
enum PoetryConstraint {
    /// The requirement line for `name = value`, or nil for what pip cannot install from a line of ours
    /// (`path`, `git`, `url` sources; several constraints for several Pythons): those stay the image's business.
    static func requirement(_ name: String, _ value: TOMLValue) -> String? {
        if let text = value.stringValue { return name + (specifier(text) ?? "") }
        guard let table = value.tableValue else { return nil }
        guard table["path"] == nil, table["git"] == nil, table["url"] == nil else { return nil }
        let extras = table["extras"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var line = name + (extras.isEmpty ? "" : "[" + extras.joined(separator: ",") + "]")
        if let version = table["version"]?.stringValue { line += specifier(version) ?? "" }
        if let markers = table["markers"]?.stringValue, !markers.isEmpty { line += "; " + markers }
        return line
    }

    /// The PEP 440 specifier for a Poetry constraint (`""` for any version); nil for an `||` union, which
    /// PEP 440 cannot say (any version then: the lock file still pins one).
    static func specifier(_ constraint: String) -> String? {
        let text = constraint.trimmingCharacters(in: .whitespaces)
        guard !text.contains("||") else { return nil }
        var parts: [String] = []
        let pattern = #"(\^|~=|~|===|==|!=|>=|<=|>|<|=)?\s*(\*|[0-9][0-9A-Za-z.*+!_-]*)"#
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
        let whole = text as NSString
        for match in expression.matches(in: text, range: NSRange(location: 0, length: whole.length)) {
            let operation = match.range(at: 1).location == NSNotFound ? "" : whole.substring(with: match.range(at: 1))
            let version = whole.substring(with: match.range(at: 2))
            switch operation {
            case _ where version == "*": continue
            case "^": parts += caret(version)
            case "~": parts += tilde(version)
            case "", "=": parts.append("==" + version)
            default: parts.append(operation + version)
            }
        }
        return parts.joined(separator: ",")
    }

    private static func numbers(_ version: String) -> [Int] {
        version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
    }

    /// `^1.2.3` → `>=1.2.3,<2.0.0`; `^0.2.3` → `<0.3.0`; `^0.0.3` → `<0.0.4`; `^0.0` → `<0.1`; `^0` → `<1`.
    private static func caret(_ version: String) -> [String] {
        let parts = numbers(version)
        guard !parts.isEmpty else { return [] }
        var upper = parts
        let index = parts.firstIndex(where: { $0 != 0 }) ?? (parts.count == 1 ? 0 : parts.count - 1)
        upper[index] += 1
        for later in upper.indices where later > index { upper[later] = 0 }
        return [">=" + version, "<" + upper.map(String.init).joined(separator: ".")]
    }

    /// `~1.2.3` → `>=1.2.3,<1.3.0`; `~1.2` → `<1.3`; `~1` → `<2`.
    private static func tilde(_ version: String) -> [String] {
        let parts = numbers(version)
        guard !parts.isEmpty else { return [] }
        var upper = parts
        let index = parts.count == 1 ? 0 : 1
        upper[index] += 1
        for later in upper.indices where later > index { upper[later] = 0 }
        return [">=" + version, "<" + upper.map(String.init).joined(separator: ".")]
    }
}
