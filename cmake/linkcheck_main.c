/* The entry point of the per-module link checks (cmake/CsModules.cmake): each
 * check links one module's whole archive against its declared dependencies
 * only, so an undefined reference there is a call into an undeclared module.
 * The program itself is never run. */
int main(void);

int main(void)
{
    return 0;
}
