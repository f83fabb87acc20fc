import Foundation
import SluiceCLI

exit(Command.main(arguments: Array(CommandLine.arguments.dropFirst())))
