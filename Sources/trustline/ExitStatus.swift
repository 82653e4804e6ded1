// ExitStatus — the exit codes of the contract, and how errors map onto them.
import ArgumentParser
import Foundation
import TrustlineAWS
import TrustlineCore

/// The exit codes PRODUCT.md promises to scripts.
enum ExitStatus: Int32 {
    /// Nothing at or above `--fail-on`.
    case clean = 0
    /// Findings at or above `--fail-on` (preflight: trust would be dropped; diff: trust was lost).
    case findings = 1
    /// Usage, topology or input error.
    case inputError = 2
    /// Incomplete: something could not be read (credentials, network, AWS errors).
    case incomplete = 3

    var exitCode: ExitCode { ExitCode(rawValue) }

    /// The exit status an error stands for: the user's input (2) or the world (3).
    static func of(_ error: Error) -> ExitStatus {
        switch error {
        case let error as CredentialError:
            return error.isConfigurationProblem ? .inputError : .incomplete
        case is AWSConfigError, is EndpointError, is ValidationError, is TopologyError:
            return .inputError
        default:
            return .incomplete
        }
    }
}

/// Prints an error as one clear sentence on stderr and exits with the status it stands for.
func fail(_ error: Error) -> ExitCode {
    let message = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
    FileHandle.standardError.write(Data("trustline: error: \(message)\n".utf8))
    return ExitStatus.of(error).exitCode
}
