import { packageConfig } from '../../tsup.shared';

export default packageConfig(['src/index.ts', 'src/testing.ts', 'src/cli-progress.ts', 'src/cli.ts']);
