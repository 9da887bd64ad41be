// The term editor: no image upload.
//
// django-markdownx uploads files dropped or pasted into its textarea. This site routes no
// upload URL, so a file is stopped here, in the capture phase on the editor's wrapper,
// before markdownx's own listener on the textarea sees it, and a short note says why.
// Text drops and pastes are left alone.
(function () {
  "use strict";

  function hasFiles(transfer) {
    return Boolean(transfer && transfer.files && transfer.files.length);
  }

  function refuseFiles(event) {
    if (!hasFiles(event.dataTransfer || event.clipboardData)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    var field = event.currentTarget.parentNode;
    var note = field && field.querySelector(".editor-upload-note");
    if (note) {
      note.hidden = false;
    }
  }

  function setUp() {
    var editors = document.querySelectorAll(".markdownx");
    for (var i = 0; i < editors.length; i++) {
      editors[i].addEventListener("drop", refuseFiles, true);
      editors[i].addEventListener("paste", refuseFiles, true);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
