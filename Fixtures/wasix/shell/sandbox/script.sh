# pipelines, subshells and command substitution
echo hello from the shell
echo piped through two programs | upper | count
(echo in a subshell; cd dir; pwd) | upper
pwd
echo substituted: $(echo inner | upper)
echo nested $(echo a $(echo b) c) end
echo words: $(echo one two three | count)
(exit 3); echo after a subshell that exited with 3
missing-command
echo last line
exit 5
