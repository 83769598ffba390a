# add_lesson(): registers a notebook_port lesson (filled in by the notebook-port work).
function(add_lesson)
endfunction()
