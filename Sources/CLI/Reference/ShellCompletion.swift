/// Completion scripts for bash and zsh, written by `sluice help --completion bash|zsh` from the command table and
/// the help texts (scripts/install.sh installs them): commands, each command's subcommands and options, and
/// the values an option lists (`--format md|html|json|atom`); file names everywhere else.
enum ShellCompletion {
    enum Shell: String, CaseIterable {
        case bash, zsh
    }

    /// The key the options that may come before any command are filed under.
    private static let globalKey = "sluice"

    static func script(_ shell: Shell) -> String {
        let global = CommandReference.global
        let commands = CommandReference.all
        let commandWords = (commands.map(\.name) + ["help"]).joined(separator: " ")
        var subcommands: [(String, String)] = []
        var options = [(globalKey, (global.options + ["--help"]).joined(separator: " "))]
        var valued = [(globalKey, " " + valuedOptions(global).joined(separator: " ") + " ")]
        var values = global.values.sorted { $0.key < $1.key }.map { ("\(globalKey) \($0.key)", $0.value.joined(separator: " ")) }
        for command in commands {
            if !command.subcommands.isEmpty { subcommands.append((command.name, command.subcommands.joined(separator: " "))) }
            options.append((command.name, command.options.filter { !global.options.contains($0) }.joined(separator: " ")))
            valued.append((command.name, " " + valuedOptions(command).joined(separator: " ") + " "))
            values += command.values.sorted { $0.key < $1.key }.map { ("\(command.name) \($0.key)", $0.value.joined(separator: " ")) }
        }
        let header = "written by `sluice help --completion \(shell.rawValue)` from the help texts of sluice \(Command.version)"
        switch shell {
        case .bash:
            return (["# bash completion for sluice, \(header).", "_sluice_commands=\"\(commandWords)\""]
                + [("_sluice_subcommands", subcommands), ("_sluice_options", options), ("_sluice_valued", valued),
                   ("_sluice_values", values)].map { name, entries in
                       "declare -gA \(name)=(\n" + entries.map { "    [\"\($0.0)\"]=\"\($0.1)\"" }.joined(separator: "\n") + "\n)"
                   }).joined(separator: "\n") + "\n" + bashFunction
        case .zsh:
            return (["#compdef sluice", "# zsh completion for sluice, \(header).",
                     "typeset -g _sluice_commands=\"\(commandWords)\""]
                + [("_sluice_subcommands", subcommands), ("_sluice_options", options), ("_sluice_valued", valued),
                   ("_sluice_values", values)].map { name, entries in
                       "typeset -gA \(name)\n\(name)=(\n" + entries.map { "    \"\($0.0)\" \"\($0.1)\"" }.joined(separator: "\n") + "\n)"
                   }).joined(separator: "\n") + "\n" + zshFunction
        }
    }

    /// The options that take a value: those followed by a word that is not itself an option.
    private static func valuedOptions(_ command: CommandReference) -> [String] {
        command.options.filter { command.takesValue.contains($0) }
    }

    // The words typed so far are walked once: options that take a value skip it (and the word being completed
    // may be that value), the first other word is the command and the next its subcommand.
    private static let bashFunction = #"""
        _sluice() {
            local current=${COMP_WORDS[COMP_CWORD]} option="" command="" subcommand="" index word
            COMPREPLY=()
            for ((index = 1; index < COMP_CWORD; index++)); do
                word=${COMP_WORDS[index]}
                if [[ $word == -* ]]; then
                    if [[ $word != *=* && " ${_sluice_valued[${command:-sluice}]-} ${_sluice_valued[sluice]} " == *" $word "* ]]; then
                        if ((index + 1 == COMP_CWORD)); then option=$word; break; fi
                        ((index++))
                    fi
                elif [[ -z $command ]]; then command=$word
                elif [[ -z $subcommand ]]; then subcommand=$word
                fi
            done
            if [[ -n $option ]]; then
                local values=${_sluice_values["$command $option"]-${_sluice_values["sluice $option"]-}}
                if [[ -n $values ]]; then COMPREPLY=($(compgen -W "$values" -- "$current")); fi
            elif [[ $current == -* ]]; then
                COMPREPLY=($(compgen -W "${_sluice_options[${command:-sluice}]-} ${command:+${_sluice_options[sluice]}}" -- "$current"))
            elif [[ -z $command || ( $command == help && -z $subcommand ) ]]; then
                COMPREPLY=($(compgen -W "$_sluice_commands" -- "$current"))
            elif [[ -z $subcommand && -n ${_sluice_subcommands[$command]-} ]]; then
                COMPREPLY=($(compgen -W "${_sluice_subcommands[$command]}" -- "$current"))
            fi
        }
        complete -o default -F _sluice sluice

        """#

    private static let zshFunction = #"""
        _sluice() {
            local current=${words[CURRENT]} option="" command="" subcommand="" index word key
            for ((index = 2; index < CURRENT; index++)); do
                word=${words[index]}
                if [[ $word == -* ]]; then
                    if [[ $word != *=* && " ${_sluice_valued[${command:-sluice}]} ${_sluice_valued[sluice]} " == *" $word "* ]]; then
                        if ((index + 1 == CURRENT)); then option=$word; break; fi
                        ((index++))
                    fi
                elif [[ -z $command ]]; then command=$word
                elif [[ -z $subcommand ]]; then subcommand=$word
                fi
            done
            if [[ -n $option ]]; then
                key="$command $option"
                local values=${_sluice_values[$key]}
                if [[ -z $values ]]; then key="sluice $option"; values=${_sluice_values[$key]}; fi
                if [[ -n $values ]]; then compadd -- ${=values}; else _files; fi
            elif [[ $current == -* ]]; then
                compadd -- ${=_sluice_options[${command:-sluice}]} ${command:+${=_sluice_options[sluice]}}
            elif [[ -z $command || ( $command == help && -z $subcommand ) ]]; then
                compadd -- ${=_sluice_commands}
            elif [[ -z $subcommand && -n ${_sluice_subcommands[$command]} ]]; then
                compadd -- ${=_sluice_subcommands[$command]}
            else
                _files
            fi
        }
        _sluice "$@"

        """#
}
