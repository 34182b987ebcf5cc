int env(void);
