/// `${VAR}` in the project file's values that reach a container or a build: replaced by the variable of
/// the environment `workflows` runs in; `$$` is a literal `$`; any other `$` stays as written. What came
/// from a variable is a secret: `SecretMask` hides it wherever `workflows` prints or reports.
struct Interpolation: Sendable, Equatable {
    /// The value with every `${VAR}` replaced.
    var value: String
    /// The non-empty values of the variables it used; the whole value too when it used any.
    var secrets: [String]

    enum Failure: Error, Equatable {
        /// `${VAR}` names a variable that is not set.
        case unset(String)
        /// `${` without its `}`, or an empty or invalid name.
        case malformed(String)
    }

    /// Expands `text` against `variables` (the process environment).
    static func expand(_ text: String, variables: [String: String]) throws(Failure) -> Interpolation {
        var result = ""
        var secrets: [String] = []
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.first == "$" {
                result += "$"
                rest = after.dropFirst()
            } else if after.first == "{" {
                guard let close = after.firstIndex(of: "}") else { throw .malformed(String(rest.prefix(40))) }
                let name = String(after[after.index(after: after.startIndex)..<close])
                guard name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
                    throw .malformed("${\(name)}")
                }
                guard let value = variables[name] else { throw .unset(name) }
                result += value
                if !value.isEmpty { secrets.append(value) }
                rest = after[after.index(after: close)...]
            } else {
                result += "$"
                rest = after
            }
        }
        result += rest
        if !secrets.isEmpty, !result.isEmpty, !secrets.contains(result) { secrets.append(result) }
        return Interpolation(value: result, secrets: secrets)
    }
}
