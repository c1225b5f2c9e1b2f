/* The preupdate hook is declared only when this is defined; Debian's libsqlite3 is built with it
   (ENABLE_PREUPDATE_HOOK, checked at run time with sqlite3_compileoption_used). */
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>
