# Run by the build (cmake -P): the man page and the shell completions, written by the kpki just
# built from its own command definitions (`kpki man`, `kpki completion SHELL`), so that what is
# installed cannot drift from what the parser accepts. The man page is also gzip -9n'ed (no name,
# no time stamp: the same bytes every build) for the package.
# The package's changelog.gz is compressed the same way.
#   -DKPKI=path/to/kpki -DOUT=dir -DDOC_DIR=/usr/share/doc/kpki -DCHANGELOG=packaging/changelog
set(ENV{KPKI_DOC_DIR} "${DOC_DIR}")  # the page names the package's doc path, not this tree
file(MAKE_DIRECTORY "${OUT}")
foreach(spec "man;kpki.1" "completion;bash;kpki.bash-completion" "completion;zsh;_kpki"
             "completion;fish;kpki.fish")
  list(POP_BACK spec file)
  execute_process(COMMAND "${KPKI}" ${spec} OUTPUT_FILE "${OUT}/${file}.tmp"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "kpki ${spec} failed (${rc})")
  endif()
  file(RENAME "${OUT}/${file}.tmp" "${OUT}/${file}")
endforeach()
foreach(pair "${OUT}/kpki.1;kpki.1.gz" "${CHANGELOG};changelog.gz")
  list(GET pair 0 from)
  list(GET pair 1 to)
  execute_process(COMMAND gzip -9n -c "${from}" OUTPUT_FILE "${OUT}/${to}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip -9n of ${from} failed (${rc})")
  endif()
endforeach()
