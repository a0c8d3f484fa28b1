/// Where a gate that is a program of its own (`Gate.program`: hadolint) is, in the tools' volume: the wheel
/// puts it in the scripts folder of the tools' `pip install --target`, `bin`.
extension GateTools.Prepared {
    func entrypoint(for gate: Gate) -> String {
        gate.program.map { GateTools.folder + "/site-packages/bin/" + $0 } ?? python
    }
}
