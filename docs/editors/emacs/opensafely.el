;;; opensafely.el --- OpenSAFELY language server through eglot  -*- lexical-binding: t; -*-

;; Add to your init file:  (load "/path/to/opensafely.el")
;;
;; Needs eglot (built into Emacs 29+; on Emacs 26-28 `M-x package-install RET eglot', or
;; Debian's `elpa-eglot'), Java 17+, and the server jar at ~/.opensafely-lsp/opensafely-lsp.jar
;; (or set OPENSAFELY_LSP_JAR).  For syntax highlighting of project.yaml install `yaml-mode'
;; (or use `yaml-ts-mode' on Emacs 29+).
;;
;; The server is used for project.yaml and the Python files under a study's analysis/ folder
;; only: other YAML and Python files keep whatever server you use for them.  Diagnostics show
;; through flymake, completion through `completion-at-point' (C-M-i), hover through eldoc,
;; and M-. / `eglot-rename' work on action names.

(require 'eglot)

(defvar opensafely-lsp-jar
  (or (getenv "OPENSAFELY_LSP_JAR") (expand-file-name "~/.opensafely-lsp/opensafely-lsp.jar"))
  "The OpenSAFELY language server jar.")

(defvar opensafely-java
  (if (getenv "JAVA_HOME") (expand-file-name "bin/java" (getenv "JAVA_HOME")) "java")
  "The java (17 or newer) that runs the server.")

(defvar opensafely-jvm-options '("-XX:+UseSerialGC" "-Xmx192m" "-Xmn96m" "-XX:SurvivorRatio=2")
  "JVM options for the server; the default keeps it under 300 MB resident on the largest studies.")

(defun opensafely-study-file-p (file)
  "Non-nil if FILE is a study's project.yaml or a Python file under its analysis/ folder."
  (or (string= (file-name-nondirectory file) "project.yaml")
      (and (string-match-p "\\.py\\'" file)
           (string-match-p "/analysis/" file)
           (locate-dominating-file file "project.yaml"))))

(defun opensafely-eglot-setup ()
  "Start or join the OpenSAFELY server when this buffer visits a study file."
  (when (and buffer-file-name (opensafely-study-file-p buffer-file-name))
    ;; Buffer-local, so only study files are routed to this server.
    (setq-local eglot-server-programs
                (cons (cons major-mode
                            `(,opensafely-java ,@opensafely-jvm-options "-jar" ,opensafely-lsp-jar))
                      (default-value 'eglot-server-programs)))
    (eglot-ensure)))

(add-hook 'find-file-hook #'opensafely-eglot-setup)

(provide 'opensafely)
;;; opensafely.el ends here
