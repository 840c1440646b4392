/* open(O_RDONLY|O_TRUNC) truncates an existing file although it asks for no write access. */
#include "common.h"
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        write_file(SCRATCH "/rtm2_rdonly_trunc", "content that will be gone\n");
        return 0;
    }
    int fd = open(SCRATCH "/rtm2_rdonly_trunc", O_RDONLY | O_TRUNC);
    if (fd < 0)
        DIE("open");
    struct stat st;
    fstat(fd, &st);
    did("open(O_RDONLY|O_TRUNC) %s/rtm2_rdonly_trunc: size now %ld", SCRATCH, (long)st.st_size);
    return 0;
}
