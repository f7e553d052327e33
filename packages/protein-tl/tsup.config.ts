import { packageConfig } from '../../tsup.shared';

export default packageConfig(['src/index.ts', 'src/cli.ts']);
